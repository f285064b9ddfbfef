/**
 * @module What of a data dir an archive carries, for the process configuration it backs up, and
 * the archive's name. Shared by the scheduled backup and `tickline backup` / `restore`.
 */

/** The part of the process configuration a backup reads: where the data is. */
export interface BackupSource {
  readonly dataDir: string;
  readonly database: { readonly url?: string | undefined };
  readonly eventlog: { readonly engine: string };
}

/**
 * Data-dir directories a backup carries when present: the embedded database (db, only without
 * database.url), the embedded event logs, the game's file snapshots (hot snapshots without
 * Redis), the generated secrets (auth secret: without it tokens and TOTP factors are unreadable)
 * and the publisher's spill journal (events not yet in the log).
 */
export const DATA_COMPONENTS = [
  'db',
  'eventlog',
  'eventlog-dlq',
  'game-snapshots',
  'secrets',
  'spill',
] as const;

/** The components `source` keeps in its data dir. */
export function componentsOf(source: BackupSource): string[] {
  return DATA_COMPONENTS.filter((component) => {
    if (component === 'db') return source.database.url === undefined;
    if (component === 'eventlog' || component === 'eventlog-dlq')
      return source.eventlog.engine === 'embedded';
    return true;
  });
}

/** `tickline-backup-<UTC time>.tar.gz`: names sort by time (the schedule's pruning relies on it). */
export function defaultArchiveName(now: Date): string {
  return `tickline-backup-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}
