/** @module CSV replay configuration. */
import type { Clock, Logger } from '@tickline/kernel';
import type { CandleInterval } from '../../port/market-message.ts';
import type { Sleep } from '../../port/sleep.ts';

/** A bad row, reported and skipped. */
export interface CsvBadRow {
  file: string;
  /** 1-based line number (the header is line 1). */
  line: number;
  reason: string;
}

/** Options for the CSV replay source. */
export interface CsvReplayOptions {
  /** Files replayed one after another, each in file order. */
  files: readonly string[];
  /** @default 'csv' */
  name?: string;
  /** Exchange stamped on rows without an exchange column. @default name */
  exchange?: string;
  /** Symbol for rows without a symbol column. */
  symbol?: string;
  /** Interval for candle rows without an interval column. @default '1m' */
  interval?: CandleInterval;
  /** `1` real time, `N` N times faster, `'max'` no waiting at all. @default 'max' */
  speed?: number | 'max';
  /** Called for every bad row (they are also counted in health). @default logged at warn */
  onBadRow?: (row: CsvBadRow) => void;
  /** @default systemClock */
  clock?: Clock;
  /** @default timerSleep */
  sleep?: Sleep;
  /** @default silentLogger */
  logger?: Logger;
}
