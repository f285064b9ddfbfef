/** @module `tickline backup list`: backup.dir's archives, the schedule and its last run, read from the directory. */
import { formatBytes, type BackupListOptions, type CliIo } from '@tickline/cli';
import { readBackupsReport } from '@tickline/backup';
import { loadTicklineConfig } from '../../config/load.ts';

export async function runBackupList(io: CliIo, options: BackupListOptions): Promise<void> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const report = await readBackupsReport(config.backup, config.dataDir);
  if (options.json) {
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const last = report.lastRun;
  const lines = [
    `dir ${report.dir}, keep ${report.keep}, schedule ${report.schedule ?? 'none (backup.schedule unset)'}${report.nextRun ? `, next ${report.nextRun}` : ''}`,
    last === null
      ? 'last run: none recorded'
      : last.ok
        ? `last run: ok at ${last.startedAt} (${last.durationMs} ms), ${last.archive}${last.pruned.length ? `, deleted ${last.pruned.join(', ')}` : ''}`
        : `last run: FAILED at ${last.startedAt}: [${last.error?.code}] ${last.error?.message}`,
    ...(report.backups.length === 0
      ? ['no archives']
      : report.backups.map((b) => `${b.createdAt}  ${formatBytes(b.bytes).padStart(9)}  ${b.name}`)),
  ];
  io.out(`${lines.join('\n')}\n`);
}
