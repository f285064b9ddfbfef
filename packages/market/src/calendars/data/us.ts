/**
 * @module NYSE / Nasdaq calendar, 2024–2027 (one table: both close on the same days).
 *
 * Source: the NYSE's published "Holidays and Trading Hours" (nyse.com/markets/hours-calendars)
 * and Nasdaq's trading calendar; 2025-01-09 is the national day of mourning for President Carter.
 * Early closes end the core session at 13:00 ET. A holiday on a Saturday is observed on the
 * Friday before, on a Sunday the Monday after — except New Year's Day on a Saturday, which is
 * not observed (NYSE Rule 7.2). Extend a year here when the exchange publishes it.
 */
import type { ExchangeCalendarData } from '../types.ts';

const EARLY = '13:00';

export const US_CALENDAR: ExchangeCalendarData = {
  exchange: 'US',
  timeZone: 'America/New_York',
  currency: 'USD',
  regular: { open: '09:30', close: '16:00' },
  source: 'NYSE Holidays and Trading Hours (nyse.com/markets/hours-calendars), 2024–2027',
  years: {
    2024: {
      holidays: {
        '2024-01-01': "New Year's Day",
        '2024-01-15': 'Martin Luther King Jr. Day',
        '2024-02-19': "Washington's Birthday",
        '2024-03-29': 'Good Friday',
        '2024-05-27': 'Memorial Day',
        '2024-06-19': 'Juneteenth',
        '2024-07-04': 'Independence Day',
        '2024-09-02': 'Labor Day',
        '2024-11-28': 'Thanksgiving Day',
        '2024-12-25': 'Christmas Day',
      },
      specialHours: {
        '2024-07-03': { close: EARLY, name: 'Day before Independence Day' },
        '2024-11-29': { close: EARLY, name: 'Day after Thanksgiving' },
        '2024-12-24': { close: EARLY, name: 'Christmas Eve' },
      },
    },
    2025: {
      holidays: {
        '2025-01-01': "New Year's Day",
        '2025-01-09': 'National Day of Mourning for President Carter',
        '2025-01-20': 'Martin Luther King Jr. Day',
        '2025-02-17': "Washington's Birthday",
        '2025-04-18': 'Good Friday',
        '2025-05-26': 'Memorial Day',
        '2025-06-19': 'Juneteenth',
        '2025-07-04': 'Independence Day',
        '2025-09-01': 'Labor Day',
        '2025-11-27': 'Thanksgiving Day',
        '2025-12-25': 'Christmas Day',
      },
      specialHours: {
        '2025-07-03': { close: EARLY, name: 'Day before Independence Day' },
        '2025-11-28': { close: EARLY, name: 'Day after Thanksgiving' },
        '2025-12-24': { close: EARLY, name: 'Christmas Eve' },
      },
    },
    2026: {
      holidays: {
        '2026-01-01': "New Year's Day",
        '2026-01-19': 'Martin Luther King Jr. Day',
        '2026-02-16': "Washington's Birthday",
        '2026-04-03': 'Good Friday',
        '2026-05-25': 'Memorial Day',
        '2026-06-19': 'Juneteenth',
        '2026-07-03': 'Independence Day (observed)',
        '2026-09-07': 'Labor Day',
        '2026-11-26': 'Thanksgiving Day',
        '2026-12-25': 'Christmas Day',
      },
      specialHours: {
        '2026-11-27': { close: EARLY, name: 'Day after Thanksgiving' },
        '2026-12-24': { close: EARLY, name: 'Christmas Eve' },
      },
    },
    2027: {
      holidays: {
        '2027-01-01': "New Year's Day",
        '2027-01-18': 'Martin Luther King Jr. Day',
        '2027-02-15': "Washington's Birthday",
        '2027-03-26': 'Good Friday',
        '2027-05-31': 'Memorial Day',
        '2027-06-18': 'Juneteenth (observed)',
        '2027-07-05': 'Independence Day (observed)',
        '2027-09-06': 'Labor Day',
        '2027-11-25': 'Thanksgiving Day',
        '2027-12-24': 'Christmas Day (observed)',
      },
      specialHours: {
        '2027-11-26': { close: EARLY, name: 'Day after Thanksgiving' },
      },
    },
  },
};
