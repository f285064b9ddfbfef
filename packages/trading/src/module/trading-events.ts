/**
 * @module Every event the trading module defines, for the process registry: the order lifecycle,
 * live runs' signals, pauses and portfolio fills, the runners' heartbeats, and reconciliations.
 */
import { OrderEvents } from '../broker/events.ts';
import { LIVE_EVENTS } from '../live/live-events.ts';
import { RunnerHeartbeat } from '../live/membership.ts';
import { PortfolioBalanceCorrected, PortfolioReconciled } from '../reconcile/reconcile-events.ts';

export const TRADING_EVENTS = [
  ...OrderEvents,
  ...LIVE_EVENTS,
  RunnerHeartbeat,
  PortfolioBalanceCorrected,
  PortfolioReconciled,
] as const;
