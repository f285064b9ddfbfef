import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { SpillJournal } from '../publisher/spill-journal.ts';
import { createEmbeddedEventLog } from './embedded-event-log.ts';
import { tempDir } from './testing/temp-log.ts';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('embedded log - file modes', () => {
  it('modes - the log directory (and every parent it creates) is 0700 whatever the umask', async () => {
    const { dir, remove } = await tempDir();
    const previous = process.umask(0o000);
    try {
      const log = await createEmbeddedEventLog({ dir: join(dir, 'data', 'eventlog') });
      await log.close();
      expect(await modeOf(join(dir, 'data'))).toBe(0o700);
      expect(await modeOf(join(dir, 'data', 'eventlog'))).toBe(0o700);
    } finally {
      process.umask(previous);
      await remove();
    }
  });

  it('modes - the publisher spill journal is 0600 in a 0700 directory', async () => {
    const { dir, remove } = await tempDir();
    const previous = process.umask(0o000);
    try {
      const path = join(dir, 'spill', 'journal.bin');
      await new SpillJournal({ path, logger: silentLogger }).open();
      expect(await modeOf(join(dir, 'spill'))).toBe(0o700);
      expect(await modeOf(path)).toBe(0o600);
    } finally {
      process.umask(previous);
      await remove();
    }
  });
});
