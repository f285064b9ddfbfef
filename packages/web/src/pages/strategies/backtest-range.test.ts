import { describe, expect, it } from 'vitest';
import { defaultBacktestRange, utcInputToIso, utcRangeText } from './backtest-range.ts';

describe('backtest range', () => {
  it('reads the form’s date and time as UTC, with or without seconds', () => {
    expect(utcInputToIso('2026-01-02T03:04')).toBe('2026-01-02T03:04:00.000Z');
    expect(utcInputToIso('2026-01-02T03:04:05')).toBe('2026-01-02T03:04:05.000Z');
    expect(() => utcInputToIso('')).toThrow(RangeError);
  });

  it('offers the last six hours up to the current minute, in UTC', () => {
    expect(defaultBacktestRange(Date.parse('2026-01-02T03:04:05.678Z'))).toEqual({
      from: '2026-01-01T21:04',
      to: '2026-01-02T03:04',
    });
  });

  it('shows the minute, and the second when there is one', () => {
    expect(utcRangeText('2026-01-02T03:04:00.000Z')).toBe('2026-01-02 03:04');
    expect(utcRangeText('2026-01-02T03:04:05.000Z')).toBe('2026-01-02 03:04:05');
  });
});
