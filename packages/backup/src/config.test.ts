import { loadConfig } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backupDir } from './backup-status.ts';
import { backupConfig } from './config.ts';

/** The section as the server's config holds it: `TICKLINE_BACKUP_*` from the environment. */
const load = (env: Record<string, string>) =>
  loadConfig(z.strictObject({ [backupConfig.key]: backupConfig.schema }), { env }).backup;

describe('backup config', () => {
  it('backup config - a cron expression (5 or 6 fields) is taken, anything else refused with the field named', () => {
    for (const schedule of ['0 3 * * *', '*/2 * * * * *'])
      expect(load({ TICKLINE_BACKUP_SCHEDULE: schedule }).schedule).toBe(schedule);
    for (const schedule of ['every night', '61 * * * *', '* * *'])
      expect(() => load({ TICKLINE_BACKUP_SCHEDULE: schedule })).toThrow(
        expect.objectContaining({
          code: 'KERNEL_CONFIG_INVALID',
          message: expect.stringContaining('backup.schedule'),
        }),
      );
    expect(() => load({ TICKLINE_BACKUP_KEEP: '0' })).toThrow(
      expect.objectContaining({
        code: 'KERNEL_CONFIG_INVALID',
        message: expect.stringContaining('backup.keep'),
      }),
    );
  });

  it('backup config - archives go under the data dir unless backup.dir says otherwise', () => {
    expect(load({})).toEqual({ keep: 7 });
    expect(backupDir(load({}), '/srv/tickline')).toBe('/srv/tickline/backups');
    expect(backupDir(load({ TICKLINE_BACKUP_DIR: '/mnt/backups' }), '/srv/tickline')).toBe('/mnt/backups');
  });
});
