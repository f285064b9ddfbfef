/**
 * @module Every event the trading module defines, for the process registry: the order lifecycle,
 * live runs' signals, pauses and portfolio fills, and the runners' heartbeats.
 */
import { OrderEvents } from '../broker/events.ts';
import { LIVE_EVENTS } from '../live/live-events.ts';
import { RunnerHeartbeat } from '../live/membership.ts';

export const TRADING_EVENTS = [...OrderEvents, ...LIVE_EVENTS, RunnerHeartbeat] as const;
