import { describe, expect, it } from 'vitest';
import { isMarketCalendarMissingError } from '../port/errors.ts';
import { exchangeCalendar } from './registry.ts';
import { zonedTimeToUtc } from './zoned-time.ts';

const US = exchangeCalendar('US');
const KS = exchangeCalendar('KS');
const ny = (date: string, time: string) => zonedTimeToUtc(date, time, 'America/New_York');
const seoul = (date: string, time: string) => zonedTimeToUtc(date, time, 'Asia/Seoul');

/** A year's checks: closed days, days with other hours (local open–close), regular days. */
interface YearCase {
  closed: string[];
  special: [date: string, open: string, close: string][];
  regular: string[];
}

const US_YEARS: Record<number, YearCase> = {
  2024: {
    closed: ['2024-01-01', '2024-03-29', '2024-06-19', '2024-07-04', '2024-11-28', '2024-12-25'],
    special: [
      ['2024-07-03', '09:30', '13:00'],
      ['2024-11-29', '09:30', '13:00'],
      ['2024-12-24', '09:30', '13:00'],
    ],
    regular: ['2024-01-02', '2024-11-27', '2024-12-26'],
  },
  2025: {
    closed: ['2025-01-01', '2025-01-09', '2025-01-20', '2025-04-18', '2025-11-27', '2025-12-25'],
    special: [
      ['2025-07-03', '09:30', '13:00'],
      ['2025-11-28', '09:30', '13:00'],
      ['2025-12-24', '09:30', '13:00'],
    ],
    regular: ['2025-01-08', '2025-07-07', '2025-12-26'],
  },
  2026: {
    closed: ['2026-01-01', '2026-04-03', '2026-06-19', '2026-07-03', '2026-11-26', '2026-12-25'],
    special: [
      ['2026-11-27', '09:30', '13:00'],
      ['2026-12-24', '09:30', '13:00'],
    ],
    regular: ['2026-07-02', '2026-07-06', '2026-12-31'],
  },
  2027: {
    closed: ['2027-01-01', '2027-03-26', '2027-06-18', '2027-07-05', '2027-11-25', '2027-12-24'],
    special: [['2027-11-26', '09:30', '13:00']],
    regular: ['2027-07-02', '2027-12-23', '2027-12-31'],
  },
};

const KS_YEARS: Record<number, YearCase> = {
  2024: {
    closed: [
      '2024-02-09',
      '2024-02-12',
      '2024-04-10',
      '2024-09-16',
      '2024-09-17',
      '2024-09-18',
      '2024-12-31',
    ],
    special: [
      ['2024-01-02', '10:00', '15:30'],
      ['2024-11-14', '10:00', '16:30'],
    ],
    regular: ['2024-02-13', '2024-09-19', '2024-12-30'],
  },
  2025: {
    closed: [
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-10-06',
      '2025-10-07',
      '2025-10-08',
    ],
    special: [
      ['2025-01-02', '10:00', '15:30'],
      ['2025-11-13', '10:00', '16:30'],
    ],
    regular: ['2025-01-31', '2025-10-10', '2025-12-30'],
  },
  2026: {
    closed: [
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-06-03',
      '2026-09-24',
      '2026-09-25',
      '2026-12-31',
    ],
    special: [
      ['2026-01-02', '10:00', '15:30'],
      ['2026-11-19', '10:00', '16:30'],
    ],
    regular: ['2026-02-19', '2026-09-28', '2026-12-30'],
  },
  2027: {
    closed: [
      '2027-02-08',
      '2027-02-09',
      '2027-09-14',
      '2027-09-15',
      '2027-09-16',
      '2027-12-27',
      '2027-12-31',
    ],
    special: [['2027-01-04', '10:00', '15:30']],
    regular: ['2027-02-10', '2027-09-17', '2027-12-30'],
  },
};

describe.each(Object.entries(US_YEARS))('US calendar %s', (_year, c) => {
  it('closes on its holidays, keeps its early closes, trades its regular days 09:30–16:00 ET', () => {
    for (const date of c.closed) {
      expect(US.sessionOn(date), date).toBeNull();
      expect(US.holidayOn(date), date).toEqual(expect.any(String));
    }
    for (const [date, open, close] of c.special)
      expect(US.sessionOn(date), date).toMatchObject({ openMs: ny(date, open), closeMs: ny(date, close) });
    for (const date of c.regular)
      expect(US.sessionOn(date), date).toEqual({
        exchange: 'US',
        date,
        openMs: ny(date, '09:30'),
        closeMs: ny(date, '16:00'),
      });
  });
});

describe.each(Object.entries(KS_YEARS))('KRX calendar %s', (_year, c) => {
  it('closes on Seollal, Chuseok and its other holidays, keeps late opens, trades 09:00–15:30 KST', () => {
    for (const date of c.closed) {
      expect(KS.sessionOn(date), date).toBeNull();
      expect(KS.holidayOn(date), date).toEqual(expect.any(String));
    }
    for (const [date, open, close] of c.special)
      expect(KS.sessionOn(date), date).toMatchObject({
        openMs: seoul(date, open),
        closeMs: seoul(date, close),
      });
    for (const date of c.regular)
      expect(KS.sessionOn(date), date).toEqual({
        exchange: 'KS',
        date,
        openMs: seoul(date, '09:00'),
        closeMs: seoul(date, '15:30'),
      });
  });
});

describe('exchange calendars', () => {
  it('covers 2024–2027 for both exchanges', () => {
    expect(US.years).toEqual([2024, 2025, 2026, 2027]);
    expect(KS.years).toEqual([2024, 2025, 2026, 2027]);
  });

  it('follows daylight saving: 09:30 ET is 14:30 UTC in winter, 13:30 UTC in summer', () => {
    expect(US.sessionOn('2026-01-05')!.openMs).toBe(Date.UTC(2026, 0, 5, 14, 30));
    expect(US.sessionOn('2026-03-09')!.openMs).toBe(Date.UTC(2026, 2, 9, 13, 30)); // the Monday after the switch
    expect(US.sessionOn('2026-11-02')!.openMs).toBe(Date.UTC(2026, 10, 2, 14, 30));
    expect(KS.sessionOn('2026-07-01')!.openMs).toBe(Date.UTC(2026, 6, 1, 0, 0)); // Korea keeps UTC+9
  });

  it('isOpen and sessionOf: open inclusive, close exclusive, closed at night and on weekends', () => {
    const day = US.sessionOn('2026-11-27')!; // the day after Thanksgiving, 13:00 close
    expect(US.isOpen(day.openMs - 1)).toBe(false);
    expect(US.sessionOf(day.openMs)).toEqual(day);
    expect(day.special).toBe('Day after Thanksgiving');
    expect(US.isOpen(day.closeMs - 1)).toBe(true);
    expect(US.isOpen(day.closeMs)).toBe(false);
    expect(US.isOpen(ny('2026-11-27', '15:00'))).toBe(false);
    expect(US.isOpen(ny('2026-11-28', '11:00'))).toBe(false); // Saturday
    expect(KS.isOpen(seoul('2026-09-24', '10:00'))).toBe(false); // Chuseok
  });

  it('nextOpen skips nights, weekends and holiday runs', () => {
    // Wednesday evening before Thanksgiving → Friday's shortened session.
    expect(US.nextOpen(ny('2026-11-25', '17:00')).openMs).toBe(ny('2026-11-27', '09:30'));
    // During a session the next open is tomorrow's.
    expect(US.nextOpen(ny('2026-11-24', '10:00')).date).toBe('2026-11-25');
    // Friday before Seollal 2026 (Mon–Wed closed) → Thursday 09:00.
    expect(KS.nextOpen(seoul('2026-02-13', '16:00')).openMs).toBe(seoul('2026-02-19', '09:00'));
    // Over the year-end closing to the first day's late open.
    expect(KS.nextOpen(seoul('2025-12-30', '16:00')).openMs).toBe(seoul('2026-01-02', '10:00'));
  });

  it('sessionsBetween lists the sessions opening in a range', () => {
    const dates = US.sessionsBetween(ny('2026-11-25', '00:00'), ny('2026-12-01', '00:00')).map((s) => s.date);
    expect(dates).toEqual(['2026-11-25', '2026-11-27', '2026-11-30']);
  });

  it('a year without tables refuses with MARKET_CALENDAR_MISSING, naming the covered years', () => {
    const error = (() => {
      try {
        US.sessionOf(Date.UTC(2028, 0, 3, 15));
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(isMarketCalendarMissingError(error)).toBe(true);
    expect(error).toMatchObject({
      details: { exchange: 'US', year: 2028, covered: [2024, 2025, 2026, 2027] },
    });
    expect(() => KS.nextOpen(seoul('2027-12-30', '16:00'))).toThrow(/no KS exchange calendar for 2028/);
    expect(() => KS.sessionOn('2023-12-28')).toThrow(
      expect.objectContaining({ code: 'MARKET_CALENDAR_MISSING' }),
    );
  });
});
