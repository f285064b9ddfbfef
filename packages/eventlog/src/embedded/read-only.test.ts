import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedEventLog, type EmbeddedEventLog } from './embedded-event-log.ts';
import { LOCK_FILE } from './lock-file.ts';
import { records, tempDir } from './testing/temp-log.ts';

describe('embedded log read-only and locking', () => {
  let dir: string;
  let remove: () => Promise<void>;
  const open: EmbeddedEventLog[] = [];
  const track = (log: EmbeddedEventLog): EmbeddedEventLog => {
    open.push(log);
    return log;
  };

  beforeEach(async () => {
    ({ dir, remove } = await tempDir());
  });
  afterEach(async () => {
    for (const log of open.splice(0)) await log.close();
    await remove();
  });

  it('read-only - follows the appends of another instance across segment rolls', async () => {
    const writer = track(await createEmbeddedEventLog({ dir, segmentBytes: 2048 }));
    await writer.append(records('before', 5, 100));
    const reader = track(await createEmbeddedEventLog({ dir, readOnly: true, pollIntervalMs: 10 }));
    expect(reader.health()).toEqual({ connected: true, detail: 'read-only' });
    expect(await reader.head()).toEqual({ first: 1, last: 5 });
    const consumer = await reader.consumer('tail', { start: { from: 'earliest' } });
    const seen: string[] = [];
    const expected = [...records('before', 5, 100), ...records('after', 60, 100)].map((r) => r.id);
    const appending = (async () => {
      for (const record of records('after', 60, 100)) await writer.append([record]);
    })();
    for (let i = 0; i < 200 && seen.length < expected.length; i++)
      seen.push(...(await consumer.fetch({ max: 100, waitMs: 500 })).map((r) => r.id));
    await appending;
    expect(seen).toEqual(expected);
    expect(reader.stats().segments).toBe(writer.stats().segments);
    expect((await reader.read({ from: 30, limit: 2 })).map((r) => r.offset)).toEqual([30, 31]);
  });

  it('read-only - refuses appends, resets and retention; positions stay in memory', async () => {
    const writer = track(await createEmbeddedEventLog({ dir }));
    await writer.append(records('x', 3));
    const c = await writer.consumer('shared');
    await c.ack(2);
    await c.close();
    await writer.close();
    const reader = track(await createEmbeddedEventLog({ dir, readOnly: true }));
    await expect(reader.append(records('y', 1))).rejects.toMatchObject({ code: 'EVLOG_READ_ONLY' });
    await expect(reader.resetConsumer('shared', { from: 'earliest' })).rejects.toMatchObject({
      code: 'EVLOG_READ_ONLY',
    });
    await expect(reader.applyRetention()).rejects.toMatchObject({ code: 'EVLOG_READ_ONLY' });
    expect(await reader.consumers()).toEqual([{ name: 'shared', acked: 2, lag: 1 }]);
    const tool = await reader.consumer('tool');
    await tool.fetch({ max: 10, waitMs: 100 });
    await tool.ack(3);
    await tool.close();
    await reader.close();
    const again = track(await createEmbeddedEventLog({ dir }));
    expect((await again.consumers()).map((x) => x.name)).toEqual(['shared']);
  });

  it('read-only - opens a directory that does not exist yet as an empty log', async () => {
    const reader = track(await createEmbeddedEventLog({ dir: join(dir, 'missing'), readOnly: true }));
    expect(await reader.head()).toEqual({ first: 0, last: 0 });
  });

  it('lock - a second writer on the same directory is refused with EVLOG_LOCKED', async () => {
    track(await createEmbeddedEventLog({ dir }));
    await expect(createEmbeddedEventLog({ dir })).rejects.toMatchObject({
      code: 'EVLOG_LOCKED',
      details: { pid: process.pid },
    });
    // Read-only opens do not need the lock.
    track(await createEmbeddedEventLog({ dir, readOnly: true }));
  });

  it('lock - a lock left by a dead process is taken over', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(join(dir, LOCK_FILE), `${dead}\n`);
    const log = track(await createEmbeddedEventLog({ dir }));
    expect((await log.append(records('z', 1)))[0]).toMatchObject({ ok: true, offset: 1 });
  });

  it('lock - close releases the lock for the next writer', async () => {
    const first = await createEmbeddedEventLog({ dir });
    await first.close();
    track(await createEmbeddedEventLog({ dir }));
  });
});
