/**
 * @module Korea Exchange (KOSPI, KOSDAQ) calendar, 2024–2027.
 *
 * Source: KRX's market holiday notices (global.krx.co.kr, "Market Holidays") and the Korean
 * public-holiday law (관공서의 공휴일에 관한 규정) with its substitute holidays; election days and
 * temporary holidays as designated by the government (2024-04-10, 2024-10-01, 2025-01-27,
 * 2025-06-03, 2026-06-03). KRX is also closed on Labor Day (May 1) and on the last business day
 * of the year (year-end closing). On the first trading day of a year the market opens an hour
 * late (10:00); on the College Scholastic Ability Test (수능) day it opens at 10:00 and closes at
 * 16:30. 2027's test date is not yet set, so that year has no such day: add it when announced.
 */
import type { ExchangeCalendarData } from '../types.ts';

const FIRST_DAY = { open: '10:00', name: 'First trading day of the year' } as const;
const CSAT = { open: '10:00', close: '16:30', name: 'College Scholastic Ability Test' } as const;

export const KRX_CALENDAR: ExchangeCalendarData = {
  exchange: 'KS',
  timeZone: 'Asia/Seoul',
  currency: 'KRW',
  regular: { open: '09:00', close: '15:30' },
  source: 'KRX Market Holidays (global.krx.co.kr) and the Korean public-holiday regulations, 2024–2027',
  years: {
    2024: {
      holidays: {
        '2024-01-01': "New Year's Day",
        '2024-02-09': 'Seollal',
        '2024-02-12': 'Seollal (substitute)',
        '2024-03-01': 'Independence Movement Day',
        '2024-04-10': 'National Assembly election',
        '2024-05-01': 'Labor Day',
        '2024-05-06': "Children's Day (substitute)",
        '2024-05-15': "Buddha's Birthday",
        '2024-06-06': 'Memorial Day',
        '2024-08-15': 'Liberation Day',
        '2024-09-16': 'Chuseok',
        '2024-09-17': 'Chuseok',
        '2024-09-18': 'Chuseok',
        '2024-10-01': 'Armed Forces Day (temporary holiday)',
        '2024-10-03': 'National Foundation Day',
        '2024-10-09': 'Hangul Day',
        '2024-12-25': 'Christmas Day',
        '2024-12-31': 'Year-end closing',
      },
      specialHours: { '2024-01-02': FIRST_DAY, '2024-11-14': CSAT },
    },
    2025: {
      holidays: {
        '2025-01-01': "New Year's Day",
        '2025-01-27': 'Temporary holiday',
        '2025-01-28': 'Seollal',
        '2025-01-29': 'Seollal',
        '2025-01-30': 'Seollal',
        '2025-03-03': 'Independence Movement Day (substitute)',
        '2025-05-01': 'Labor Day',
        '2025-05-05': "Children's Day / Buddha's Birthday",
        '2025-05-06': "Buddha's Birthday (substitute)",
        '2025-06-03': 'Presidential election',
        '2025-06-06': 'Memorial Day',
        '2025-08-15': 'Liberation Day',
        '2025-10-03': 'National Foundation Day',
        '2025-10-06': 'Chuseok',
        '2025-10-07': 'Chuseok',
        '2025-10-08': 'Chuseok (substitute)',
        '2025-10-09': 'Hangul Day',
        '2025-12-25': 'Christmas Day',
        '2025-12-31': 'Year-end closing',
      },
      specialHours: { '2025-01-02': FIRST_DAY, '2025-11-13': CSAT },
    },
    2026: {
      holidays: {
        '2026-01-01': "New Year's Day",
        '2026-02-16': 'Seollal',
        '2026-02-17': 'Seollal',
        '2026-02-18': 'Seollal',
        '2026-03-02': 'Independence Movement Day (substitute)',
        '2026-05-01': 'Labor Day',
        '2026-05-05': "Children's Day",
        '2026-05-25': "Buddha's Birthday (substitute)",
        '2026-06-03': 'Local elections',
        '2026-08-17': 'Liberation Day (substitute)',
        '2026-09-24': 'Chuseok',
        '2026-09-25': 'Chuseok',
        '2026-10-05': 'National Foundation Day (substitute)',
        '2026-10-09': 'Hangul Day',
        '2026-12-25': 'Christmas Day',
        '2026-12-31': 'Year-end closing',
      },
      specialHours: { '2026-01-02': FIRST_DAY, '2026-11-19': CSAT },
    },
    2027: {
      holidays: {
        '2027-01-01': "New Year's Day",
        '2027-02-08': 'Seollal',
        '2027-02-09': 'Seollal (substitute)',
        '2027-03-01': 'Independence Movement Day',
        '2027-05-05': "Children's Day",
        '2027-05-13': "Buddha's Birthday",
        '2027-08-16': 'Liberation Day (substitute)',
        '2027-09-14': 'Chuseok',
        '2027-09-15': 'Chuseok',
        '2027-09-16': 'Chuseok',
        '2027-10-04': 'National Foundation Day (substitute)',
        '2027-10-11': 'Hangul Day (substitute)',
        '2027-12-27': 'Christmas Day (substitute)',
        '2027-12-31': 'Year-end closing',
      },
      specialHours: { '2027-01-04': FIRST_DAY },
    },
  },
};
