import { describe, expect, it } from 'vitest';
import { isValidTimeZone, quietUntil } from './quiet-hours.ts';

describe('quiet hours', () => {
  const overnight = { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' };

  it('quiet hours - inside a period that crosses midnight ends at the local end time', () => {
    // 23:30 UTC on 15 Jan = 00:30 in Berlin (UTC+1): quiet until 07:00 Berlin = 06:00 UTC.
    expect(quietUntil(Date.parse('2026-01-15T23:30:00Z'), overnight)).toBe(
      Date.parse('2026-01-16T06:00:00Z'),
    );
    // 21:30 UTC = 22:30 Berlin: quiet until the next morning.
    expect(quietUntil(Date.parse('2026-01-15T21:30:00Z'), overnight)).toBe(
      Date.parse('2026-01-16T06:00:00Z'),
    );
  });

  it('quiet hours - outside the period is not quiet', () => {
    expect(quietUntil(Date.parse('2026-01-15T12:00:00Z'), overnight)).toBeUndefined();
    // 06:00 UTC = 07:00 Berlin: the end is exclusive.
    expect(quietUntil(Date.parse('2026-01-16T06:00:00Z'), overnight)).toBeUndefined();
  });

  it('quiet hours - a daytime period and the user zone (summer time)', () => {
    const lunch = { start: '12:00', end: '13:30', timeZone: 'America/New_York' };
    // 16:15 UTC in July = 12:15 EDT.
    expect(quietUntil(Date.parse('2026-07-01T16:15:00Z'), lunch)).toBe(Date.parse('2026-07-01T17:30:00Z'));
    expect(quietUntil(Date.parse('2026-07-01T18:00:00Z'), lunch)).toBeUndefined();
  });

  it('quiet hours - equal start and end means none; zones are validated', () => {
    expect(quietUntil(Date.now(), { start: '08:00', end: '08:00', timeZone: 'UTC' })).toBeUndefined();
    expect(isValidTimeZone('Asia/Seoul')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
