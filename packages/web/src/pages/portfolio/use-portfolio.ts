/**
 * @module `usePortfolio`: the signed-in user's paper portfolio (cash, equity, positions), re-read
 * when one of its orders changes on `user:{id}` and now and then for the marks (positions are
 * marked to each closed candle, which has no event on the user's channel). Requests count against
 * the tier's rate limit (60 a minute on the free tier), so bursts of events make one re-read.
 */
import type { PortfolioDetail, TicklineClient } from '@tickline/client';
import { useEvents } from '@tickline/client/react';
import { EventType } from '@tickline/protocol';
import { useEffect, useRef } from 'react';
import { useSession } from '../../app/session.tsx';
import type { useAsync } from '../../components/use-async.ts';
import { pageHidden, useWhenShown } from '../../components/page-visibility.ts';
import { nextReloadAt } from '../../components/settled-reload.ts';
import { usePolling } from '../../components/use-polling.ts';

/** Marks move with each closed 1 m candle: a few re-reads a minute are fresh enough. */
const MARK_REFRESH_MS = 15_000;

/** Events of the user's channel after which the portfolio or its orders changed. */
export const ORDER_EVENTS = [
  EventType.OrderPlaced,
  EventType.OrderFilled,
  EventType.OrderCancelled,
  EventType.OrderRejected,
  EventType.PortfolioOrderFilled,
] as const;

/**
 * Calls `onChange` once after a burst of `types` events on the user's channel settles (and after
 * a stream gap) — one order makes a burst (placed, filled, booked) — and never sooner than a
 * minimum gap after the last call (components/settled-reload.ts: the user's own rate limit).
 */
export function useSettledEvents(types: readonly string[], onChange: () => void): void {
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const lastAt = useRef(-Infinity);
  // Events came while the tab was hidden: one re-read when it is shown.
  const deferred = useRef(false);
  const latest = useRef(onChange);
  latest.current = onChange;
  const schedule = () => {
    clearTimeout(timer.current);
    const now = Date.now();
    timer.current = setTimeout(
      () => {
        if (pageHidden()) {
          deferred.current = true;
          return;
        }
        lastAt.current = Date.now();
        latest.current();
      },
      nextReloadAt(now, lastAt.current) - now,
    );
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  useEvents(types, schedule, { onReset: schedule });
  useWhenShown(() => {
    if (!deferred.current) return;
    deferred.current = false;
    schedule();
  });
}

/** A page opened this soon after another read the portfolio shows that copy instead of asking again. */
const REUSE_MS = 3_000;

/** Per client (so per session): the portfolio's id, which never changes, and the last copy read. */
const known = new WeakMap<TicklineClient, { id: string; last?: { detail: PortfolioDetail; atMs: number } }>();

/** Null when the account has no portfolio yet (its snapshot is still being generated). */
export function usePortfolio(): ReturnType<typeof useAsync<PortfolioDetail | null>> {
  const { client } = useSession();
  const firstLoad = useRef(true);
  const state = usePolling(
    async () => {
      let entry = known.get(client);
      const reuse = firstLoad.current;
      firstLoad.current = false;
      if (reuse && entry?.last !== undefined && Date.now() - entry.last.atMs < REUSE_MS)
        return entry.last.detail;
      if (entry === undefined) {
        const [first] = await client.portfolios.list();
        if (first === undefined) return null;
        entry = { id: first.portfolioId };
        known.set(client, entry);
      }
      const detail = await client.portfolios.get(entry.id);
      entry.last = { detail, atMs: Date.now() };
      return detail;
    },
    MARK_REFRESH_MS,
    [client],
  );
  useSettledEvents([...ORDER_EVENTS, EventType.AccountSnapshotGenerated], state.reload);
  return state;
}
