import { describe, expect, it } from 'vitest';
import { sessionLabel, sessionText } from './market-session-label.ts';

const US = { exchange: 'US', name: 'NYSE / Nasdaq', currency: 'USD', timeZone: 'America/New_York' };
const KS = { exchange: 'KS', name: 'Korea Exchange', currency: 'KRW', timeZone: 'Asia/Seoul' };

describe('market session label', () => {
  it("label - told in the exchange's zone: closes at a time, opens on a weekday", () => {
    // 2026-11-30 16:00 New York (EST, UTC-5) = 21:00 UTC.
    expect(sessionText({ state: 'open', closesAt: Date.UTC(2026, 10, 30, 21) }, US)).toBe(
      'Open · closes 16:00 ET',
    );
    // Monday 2026-11-30 09:00 Seoul = Monday 00:00 UTC.
    expect(sessionText({ state: 'closed', nextOpen: Date.UTC(2026, 10, 30, 0) }, KS)).toBe(
      'Closed · opens Mon 09:00 KST',
    );
    expect(
      sessionLabel(
        { state: 'early-close', closesAt: Date.UTC(2026, 10, 27, 18), special: 'Day after Thanksgiving' },
        US,
      ),
    ).toEqual({
      state: 'Early close',
      next: 'closes 13:00 ET',
      note: 'Day after Thanksgiving',
    });
  });

  it('label - a pair is 24/7; a year without a calendar says so', () => {
    expect(sessionText({ state: 'always-open' }, null)).toBe('24/7');
    expect(sessionLabel({ state: 'unknown', detail: 'no US exchange calendar for 2031' }, US)).toEqual({
      state: 'Session unknown',
      next: '',
      note: 'no US exchange calendar for 2031',
    });
  });
});
