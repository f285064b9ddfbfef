/** @module The archive tier: old recorded candles to Parquet files, their catalogue, reading them back. */
export { archiveOldCandles, archiveAfterMs, monthStart } from './archive-candles.ts';
export { listArchivedFiles, archiveTotals } from './archive-catalogue.ts';
export { readArchivedFile } from './archive-reads.ts';
export { ARCHIVE_FORMAT } from './archive-file.ts';
export type { ArchiveCandlesOptions, ArchiveCandlesResult, ArchivedPartition } from './archive-candles.ts';
export type { ArchivedFile, ArchivedFileQuery, ArchiveTotals } from './archive-catalogue.ts';
