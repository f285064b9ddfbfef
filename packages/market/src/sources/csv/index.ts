/** @module The CSV replay source. */
export { CsvReplaySource } from './source.ts';
export { readCsvHeader, splitCsvLine } from './parse-csv.ts';
export type { CsvLayout, CsvDefaults, CsvRow } from './parse-csv.ts';
export type { CsvReplayOptions, CsvBadRow } from './config.ts';
