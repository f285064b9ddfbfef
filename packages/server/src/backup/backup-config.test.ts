import { describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import { backupDir } from './backup-status.ts';

describe('backup config', () => {
  it('backup config - a cron expression (5 or 6 fields) is taken, anything else refused with the field named', () => {
    for (const schedule of ['0 3 * * *', '*/2 * * * * *'])
      expect(loadTicklineConfig({ env: { TICKLINE_BACKUP_SCHEDULE: schedule } }).backup.schedule).toBe(
        schedule,
      );
    for (const schedule of ['every night', '61 * * * *', '* * *'])
      expect(() => loadTicklineConfig({ env: { TICKLINE_BACKUP_SCHEDULE: schedule } })).toThrow(
        expect.objectContaining({
          code: 'KERNEL_CONFIG_INVALID',
          message: expect.stringContaining('backup.schedule'),
        }),
      );
    expect(() => loadTicklineConfig({ env: { TICKLINE_BACKUP_KEEP: '0' } })).toThrow(
      expect.objectContaining({
        code: 'KERNEL_CONFIG_INVALID',
        message: expect.stringContaining('backup.keep'),
      }),
    );
  });

  it('backup config - archives go under the data dir unless backup.dir says otherwise', () => {
    const embedded = loadTicklineConfig({ env: { TICKLINE_DATA_DIR: '/srv/tickline' } });
    expect(backupDir(embedded.backup, embedded.dataDir)).toBe('/srv/tickline/backups');
    const elsewhere = loadTicklineConfig({ env: { TICKLINE_BACKUP_DIR: '/mnt/backups' } });
    expect(backupDir(elsewhere.backup, elsewhere.dataDir)).toBe('/mnt/backups');
  });
});
