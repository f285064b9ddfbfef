/**
 * @module A market's session in words, as the dashboard's badge and the CLI's listing show it:
 * "Open · closes 16:00 ET", "Closed · opens Mon 09:30 ET", "24/7" for a pair. Times are told in
 * the exchange's zone, not the reader's: a session's hours are the exchange's.
 */
import type { MarketListing, MarketSession } from '@tickline/protocol';

/** Short names of the zones the shipped calendars use (Intl would say "EST" / "GMT+9"). */
const ZONE_NAMES: Readonly<Record<string, string>> = { 'America/New_York': 'ET', 'Asia/Seoul': 'KST' };

/** The parts of a session's label: its state word, and when it next changes (or empty). */
export interface SessionLabel {
  /** `Open`, `Early close`, `Closed`, `24/7`, `Session unknown`. */
  state: string;
  /** `closes 13:00 ET`, `opens Mon 09:30 ET`, or empty. */
  next: string;
  /** The holiday or other hours by name, when there is one. */
  note: string;
}

function clock(ms: number, timeZone: string, weekday: boolean): string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(weekday ? { weekday: 'short' } : {}),
  });
  const zone = ZONE_NAMES[timeZone] ?? timeZone;
  return `${format.format(ms).replace(',', '')} ${zone}`;
}

/** The label of `session` of a market listed at `listing` (null for a pair). */
export function sessionLabel(session: MarketSession, listing: MarketListing | null): SessionLabel {
  const zone = listing?.timeZone ?? 'UTC';
  const note = session.holiday ?? session.special ?? '';
  switch (session.state) {
    case 'open':
    case 'early-close':
      return {
        state: session.state === 'open' ? 'Open' : 'Early close',
        next: session.closesAt === undefined ? '' : `closes ${clock(session.closesAt, zone, false)}`,
        note,
      };
    case 'closed':
      return {
        state: 'Closed',
        next: session.nextOpen === undefined ? '' : `opens ${clock(session.nextOpen, zone, true)}`,
        note,
      };
    case 'always-open':
      return { state: '24/7', next: '', note: '' };
    default:
      return { state: 'Session unknown', next: '', note: session.detail ?? '' };
  }
}

/** The label on one line: `Closed · opens Mon 09:30 ET`. */
export function sessionText(session: MarketSession, listing: MarketListing | null): string {
  const { state, next } = sessionLabel(session, listing);
  return next ? `${state} · ${next}` : state;
}
