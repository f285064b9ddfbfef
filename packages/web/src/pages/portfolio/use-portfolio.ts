/**
 * @module `usePortfolio`: the signed-in user's paper portfolio (cash, equity, positions), re-read
 * when one of its orders changes on `user:{id}` and every few seconds for the marks (positions are
 * marked to each closed candle, which has no event on the user's channel).
 */
import type { PortfolioDetail } from '@tickline/client';
import { useEvents } from '@tickline/client/react';
import { EventType } from '@tickline/protocol';
import { useSession } from '../../app/session.tsx';
import type { useAsync } from '../../components/use-async.ts';
import { usePolling } from '../../components/use-polling.ts';

/** Marks move with each closed 1 m candle: a few seconds is fresh enough. */
const MARK_REFRESH_MS = 5_000;

/** Events of the user's channel after which the portfolio or its orders changed. */
export const ORDER_EVENTS = [
  EventType.OrderPlaced,
  EventType.OrderFilled,
  EventType.OrderCancelled,
  EventType.OrderRejected,
  EventType.PortfolioOrderFilled,
] as const;

/** Null when the account has no portfolio yet (its snapshot is still being generated). */
export function usePortfolio(): ReturnType<typeof useAsync<PortfolioDetail | null>> {
  const { client } = useSession();
  const state = usePolling(
    async () => {
      const [first] = await client.portfolios.list();
      return first === undefined ? null : client.portfolios.get(first.portfolioId);
    },
    MARK_REFRESH_MS,
    [client],
  );
  const { reload } = state;
  useEvents([...ORDER_EVENTS, EventType.AccountSnapshotGenerated], () => reload(), { onReset: reload });
  return state;
}
