/**
 * @module `useSignalFeed`: the signals of the user's live runs, newest first — the last signals
 * each run reported when it was read, then every `strategy.signal` on the user's channel as it
 * arrives (no re-read needed). One signal is one order a run placed on a closed candle, keyed by its
 * client order id, so a signal seen both ways is listed once.
 */
import type { LiveRun, LiveSignal } from '@tickline/client';
import { useEvents } from '@tickline/client/react';
import { EventType } from '@tickline/protocol';
import { useMemo, useState } from 'react';

/** Signals the feed keeps. */
export const SIGNAL_FEED_SIZE = 50;

/** A signal, and whether it arrived on the stream while the page was open. */
export interface FeedSignal extends LiveSignal {
  live: boolean;
}

/** Merges read and arrived signals: one per client order id, newest candle first. */
export function mergeSignals(
  read: readonly LiveSignal[],
  arrived: readonly LiveSignal[],
  limit: number = SIGNAL_FEED_SIZE,
): FeedSignal[] {
  // A signal that arrived stays marked new after a re-read lists it too.
  const byId = new Map<string, FeedSignal>();
  for (const s of arrived) byId.set(s.clientOrderId, { ...s, live: true });
  for (const s of read) if (!byId.has(s.clientOrderId)) byId.set(s.clientOrderId, { ...s, live: false });
  return [...byId.values()]
    .sort((a, b) => b.candleCloseTime - a.candleCloseTime || a.clientOrderId.localeCompare(b.clientOrderId))
    .slice(0, limit);
}

export function useSignalFeed(runs: readonly LiveRun[] | undefined): FeedSignal[] {
  const [arrived, setArrived] = useState<LiveSignal[]>([]);
  useEvents<LiveSignal>([EventType.StrategySignal], (event) =>
    setArrived((current) => [event.data, ...current].slice(0, SIGNAL_FEED_SIZE)),
  );
  return useMemo(() => mergeSignals(runs?.flatMap((r) => r.lastSignals) ?? [], arrived), [runs, arrived]);
}
