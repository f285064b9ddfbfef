/** @module `GET /markets/archive`: the archive's settings, totals over its catalogue, its newest files. */
import type { MarketArchiveView } from '@tickline/protocol';
import type { SqlQueryable } from '@tickline/store';
import { archiveTotals, listArchivedFiles } from '../archive/archive-catalogue.ts';
import type { ResolvedArchiveSettings } from '../archive/archive-settings.ts';

/** Files listed when the request names no limit. */
const DEFAULT_FILES_LISTED = 200;

/** Filters of the archive view. */
export interface ArchiveViewQuery {
  symbol?: string;
  interval?: string;
  limit?: number;
}

/** The catalogue as the admin route answers it: totals over every matching file, the newest listed. */
export async function archiveView(
  sql: SqlQueryable,
  settings: ResolvedArchiveSettings,
  query: ArchiveViewQuery = {},
): Promise<MarketArchiveView> {
  const files = await listArchivedFiles(sql, {
    ...(query.symbol === undefined ? {} : { symbol: query.symbol }),
    ...(query.interval === undefined ? {} : { interval: query.interval }),
    newestFirst: true,
  });
  return {
    enabled: settings.enabled,
    afterDays: settings.afterDays,
    dir: settings.dir,
    totals: archiveTotals(files),
    files: files.slice(0, query.limit ?? DEFAULT_FILES_LISTED).map((f) => ({
      exchange: f.exchange,
      symbol: f.symbol,
      interval: f.interval,
      month: new Date(f.rangeFrom).toISOString().slice(0, 7),
      rangeFrom: f.rangeFrom,
      rangeTo: f.rangeTo,
      file: f.file,
      rows: f.rows,
      sqlBytes: f.sqlBytes,
      fileBytes: f.fileBytes,
      archivedAt: f.archivedAt,
    })),
  };
}
