import { describe, expect, it } from 'vitest';
import { marketSessionOf } from './session-state.ts';
import { zonedTimeToUtc } from './zoned-time.ts';

const ny = (date: string, time: string) => zonedTimeToUtc(date, time, 'America/New_York');
const seoul = (date: string, time: string) => zonedTimeToUtc(date, time, 'Asia/Seoul');

describe('market session state', () => {
  it('session - a share during a regular session is open until the regular close', () => {
    expect(marketSessionOf('AAPL.US', ny('2026-11-30', '10:00'))).toEqual({
      listing: { exchange: 'US', name: 'NYSE / Nasdaq', currency: 'USD', timeZone: 'America/New_York' },
      session: { state: 'open', opensAt: ny('2026-11-30', '09:30'), closesAt: ny('2026-11-30', '16:00') },
    });
    expect(marketSessionOf('005930.KS', seoul('2026-11-30', '15:29')).session).toEqual({
      state: 'open',
      opensAt: seoul('2026-11-30', '09:00'),
      closesAt: seoul('2026-11-30', '15:30'),
    });
  });

  it('session - the day after Thanksgiving is an early close at 13:00 ET', () => {
    expect(marketSessionOf('AAPL.US', ny('2026-11-27', '12:59')).session).toEqual({
      state: 'early-close',
      opensAt: ny('2026-11-27', '09:30'),
      closesAt: ny('2026-11-27', '13:00'),
      special: 'Day after Thanksgiving',
    });
  });

  it('session - closed on a holiday, a weekend and after the close, with the next open', () => {
    expect(marketSessionOf('AAPL.US', ny('2026-11-26', '12:00')).session).toEqual({
      state: 'closed',
      nextOpen: ny('2026-11-27', '09:30'),
      special: 'Day after Thanksgiving',
      holiday: 'Thanksgiving Day',
    });
    // Friday's early close has passed: Monday 09:30 ET is next.
    expect(marketSessionOf('BRK.B.US', ny('2026-11-27', '13:00')).session).toEqual({
      state: 'closed',
      nextOpen: ny('2026-11-30', '09:30'),
    });
    expect(marketSessionOf('005930.KS', seoul('2026-11-28', '11:00'))).toMatchObject({
      listing: { exchange: 'KS', currency: 'KRW', timeZone: 'Asia/Seoul' },
      session: { state: 'closed', nextOpen: seoul('2026-11-30', '09:00') },
    });
  });

  it('session - a pair is always open and listed nowhere', () => {
    expect(marketSessionOf('BTC-USDT', ny('2026-11-26', '12:00'))).toEqual({
      listing: null,
      session: { state: 'always-open' },
    });
  });

  it('session - a year with no calendar is unknown, saying so, not an error', () => {
    const { listing, session } = marketSessionOf('AAPL.US', Date.UTC(2031, 0, 6, 15));
    expect(listing?.exchange).toBe('US');
    expect(session.state).toBe('unknown');
    expect(session.detail).toMatch(/no US exchange calendar for 2031/);
  });
});
