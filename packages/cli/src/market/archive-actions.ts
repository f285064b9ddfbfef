/**
 * @module `tickline market archive [--run]`: what the archive tier moved out of SQL into Parquet
 * files and the size it saved; `--run` archives now (the partition-maintenance job, which archives
 * before it applies the retention) and then shows the archive. Through the server's API, as an admin.
 */
import type { MarketArchiveView } from '@tickline/protocol';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';
import { apiClient, type ApiOptions } from '../api/api-client.ts';
import { serverApi } from './history-over-api.ts';

/** The job that archives (market's `PARTITION_MAINTENANCE_JOB`). */
const ARCHIVE_JOB = 'partition-maintenance';

export interface ArchiveOptions extends ApiOptions {
  config?: string;
  json?: boolean;
  /** Archive now, then show. */
  run?: boolean;
  symbol?: string;
  limit?: string;
}

/** What the job run reports of its archive step. */
interface ArchiveRunDetails {
  files: number;
  rows: number;
  sqlBytes: number;
  fileBytes: number;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Bytes in the largest unit that keeps the number ≥ 1 (1,024 steps). */
export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0);
  return `${bytes < 0 ? '-' : ''}${text} ${UNITS[unit]}`;
}

/** The archive as a heading, the totals and one line per file. */
export function formatArchive(view: MarketArchiveView): string {
  const state = view.enabled ? `on, months older than ${view.afterDays} days` : 'off (market.archive.enabled)';
  const t = view.totals;
  const lines = [`archive: ${state}; files under ${view.dir}`];
  if (t.files === 0) return `${lines[0]}\nnothing archived\n`;
  lines.push(
    `${t.files} files, ${t.rows.toLocaleString('en-US')} candles: ${formatBytes(t.sqlBytes)} in SQL before, ${formatBytes(t.fileBytes)} on disk, ${formatBytes(t.savedBytes)} saved`,
  );
  const rows = view.files.map((f) => [
    f.month,
    `${f.symbol} ${f.interval} (${f.exchange})`,
    f.rows.toLocaleString('en-US'),
    formatBytes(f.sqlBytes),
    formatBytes(f.fileBytes),
    f.file,
  ]);
  lines.push(...alignColumns(['month', 'market', 'candles', 'sql', 'file size', 'file'], rows));
  return `${lines.join('\n')}\n`;
}

/** `market archive [--run]`. */
export async function archiveCommand(io: CliIo, o: ArchiveOptions, fetchFn?: typeof fetch): Promise<void> {
  const call = apiClient(io, serverApi(io, o.config, o), fetchFn);
  let ran: ArchiveRunDetails | undefined;
  if (o.run) {
    const { run } = await call<{ run: { status: string; error?: string; details?: { archive?: ArchiveRunDetails } } }>(
      'POST',
      `/markets/jobs/${ARCHIVE_JOB}/run`,
    );
    // A failed step (a file that would not verify) leaves its rows in SQL: say so, exit non-zero.
    if (run.status !== 'succeeded') throw new Error(`the archive run ${run.status}: ${run.error ?? 'no reason given'}`);
    ran = run.details?.archive ?? { files: 0, rows: 0, sqlBytes: 0, fileBytes: 0 };
    if (!o.json) {
      io.out(
        run.details?.archive
          ? `archived now: ${ran.files} files, ${ran.rows.toLocaleString('en-US')} candles (${formatBytes(ran.sqlBytes)} in SQL → ${formatBytes(ran.fileBytes)} on disk)\n`
          : 'archived now: nothing (the archive is off: market.archive.enabled)\n',
      );
    }
  }
  const query = new URLSearchParams();
  if (o.symbol) query.set('symbol', o.symbol);
  if (o.limit) query.set('limit', o.limit);
  const view = await call<MarketArchiveView>('GET', `/markets/archive${query.size ? `?${query}` : ''}`);
  io.out(o.json ? `${JSON.stringify(ran ? { ran, ...view } : view)}\n` : formatArchive(view));
}
