/**
 * @module Where a portfolio trades, read once per page and shared by what the page shows of it
 * (the venue card, the headline note, the order ticket's title), so binding a key or going back to
 * paper changes them together.
 */
import type { PortfolioVenue } from '@tickline/client';
import { useSession } from '../../app/session.tsx';
import { useAsync } from '../../components/use-async.ts';

export type VenueState = ReturnType<typeof useVenue>;

export function useVenue(portfolioId: string) {
  const { client } = useSession();
  return useAsync(() => client.portfolios.venue(portfolioId), [client, portfolioId]);
}

/** A bound live venue's name as people read it; undefined on paper (or while loading). */
export function liveVenueName(venue: PortfolioVenue | undefined): string | undefined {
  return venue === undefined || venue.venue === 'paper' ? undefined : 'Binance spot';
}
