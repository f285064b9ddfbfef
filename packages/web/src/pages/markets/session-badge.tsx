/**
 * @module A market's session as a badge (Open · closes 16:00 ET, Closed · opens Mon 09:30 ET,
 * 24/7 for a pair) and its listing in words, with the reload that keeps them true: the API tells
 * the session at the time of the read, so the page reads again when the next open or close passes.
 */
import { sessionLabel } from '@tickline/client';
import type { MarketSessionState, MarketSummary } from '@tickline/protocol';
import { useEffect, type ReactNode } from 'react';

const PILL: Record<MarketSessionState, string> = {
  open: 'pill pill-good',
  'early-close': 'pill pill-warn',
  closed: 'pill',
  'always-open': 'pill',
  unknown: 'pill pill-warn',
};

/** The longest a timer waits (setTimeout's limit is 2^31 ms); past it the page reads again anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After the instant the session changes: the server's clock and this one may differ a little. */
const AFTER_CHANGE_MS = 1_000;

/** The session badge of `market`; its holiday or special hours in the tooltip. */
export function SessionBadge({ market }: { market: Pick<MarketSummary, 'session' | 'listing'> }): ReactNode {
  const { state, next, note } = sessionLabel(market.session, market.listing);
  return (
    <span
      className={PILL[market.session.state]}
      data-testid="session-badge"
      data-state={market.session.state}
      title={note || undefined}
    >
      {next ? `${state} · ${next}` : state}
    </span>
  );
}

/** `NYSE / Nasdaq · USD` for a share; empty for a pair. */
export function listingText(market: Pick<MarketSummary, 'listing'>): string {
  return market.listing ? `${market.listing.name} · ${market.listing.currency}` : '';
}

/** Calls `reload` when the first of `markets`' sessions opens or closes next. */
export function useSessionReload(markets: readonly MarketSummary[] | undefined, reload: () => void): void {
  const next = Math.min(
    ...(markets ?? []).map((m) => m.session.closesAt ?? m.session.nextOpen ?? Number.POSITIVE_INFINITY),
  );
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    const timer = setTimeout(
      reload,
      Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now()) + AFTER_CHANGE_MS),
    );
    return () => clearTimeout(timer);
  }, [next, reload]);
}
