import { chmod, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { SpillJournal } from '../publisher/spill-journal.ts';
import { createEmbeddedEventLog } from './embedded-event-log.ts';
import { records, segmentFiles, tempDir } from './testing/temp-log.ts';

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
  it('modes - every file the log writes (segments, rolled segments, checkpoints, lock) is 0600 whatever the umask', async () => {
    const { dir, remove } = await tempDir();
    const previous = process.umask(0o000);
    try {
      const logDir = join(dir, 'eventlog');
      const log = await createEmbeddedEventLog({ dir: logDir, segmentBytes: 1024 });
      for (let i = 0; i < 4; i++) await log.append(records(`m${i}`, 10, 64));
      const consumer = await log.consumer('modes');
      await consumer.ack(1);
      await consumer.close();
      expect((await segmentFiles(logDir)).length).toBeGreaterThan(1);
      for (const name of await readdir(logDir)) expect([name, await modeOf(join(logDir, name))]).toEqual([name, 0o600]);
      await log.close();
    } finally {
      process.umask(previous);
      await remove();
    }
  });

  it('modes - segments left world-readable by an older version are tightened on the next start', async () => {
    const { dir, remove } = await tempDir();
    try {
      const logDir = join(dir, 'eventlog');
      const first = await createEmbeddedEventLog({ dir: logDir });
      await first.append(records('o', 3));
      await first.close();
      const [segment] = await segmentFiles(logDir);
      await chmod(join(logDir, segment!), 0o644);
      const reopened = await createEmbeddedEventLog({ dir: logDir });
      await reopened.close();
      expect(await modeOf(join(logDir, segment!))).toBe(0o600);
    } finally {
      await remove();
    }
  });
});
