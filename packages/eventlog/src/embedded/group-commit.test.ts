import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { metricValue, records, useTempLogs } from './testing/temp-log.ts';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FILE } from './checkpoint-store.ts';
import { segmentFileName } from './segment.ts';

describe('embedded log writes', () => {
  const logs = useTempLogs('gc');
  const openLog = logs.open;

  it('group commit - appends issued together share one write and one fsync', async () => {
    const log = await openLog();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => log.append(records(`g${i}`, 50))));
    expect(results.flat().map((r) => (r.ok ? r.offset : 0))).toEqual(
      Array.from({ length: 400 }, (_, i) => i + 1),
    );
    expect(await metricValue(logs.registry, 'tickline_eventlog_group_commits_total', 'gc')).toBe(1);
    expect(await metricValue(logs.registry, 'tickline_eventlog_fsync_duration_seconds', 'gc')).toBe(1);
    expect(await metricValue(logs.registry, 'tickline_eventlog_appended_records_total', 'gc')).toBe(400);
    expect(await metricValue(logs.registry, 'tickline_eventlog_appended_bytes_total', 'gc')).toBe(
      log.stats().bytes,
    );
  });

  it('group commit - appends made while a group is in flight form the next group', async () => {
    const log = await openLog();
    const first = log.append(records('a', 10));
    await Promise.resolve(); // let the first group start
    const second = Promise.all([log.append(records('b', 10)), log.append(records('c', 10))]);
    await Promise.all([first, second]);
    expect(await metricValue(logs.registry, 'tickline_eventlog_group_commits_total', 'gc')).toBe(2);
    expect((await log.read({ from: 1, limit: 100 })).map((r) => r.id)).toEqual(
      [...records('a', 10), ...records('b', 10), ...records('c', 10)].map((r) => r.id),
    );
  });

  it('append - duplicates inside one call and against a queued call point at the first copy', async () => {
    const log = await openLog();
    const [a, b] = records('dup', 2);
    const [r1, r2] = await Promise.all([log.append([a!, a!]), log.append([b!, a!])]);
    expect(r1).toEqual([
      { ok: true, offset: 1, duplicate: false },
      { ok: true, offset: 1, duplicate: true },
    ]);
    expect(r2).toEqual([
      { ok: true, offset: 2, duplicate: false },
      { ok: true, offset: 1, duplicate: true },
    ]);
    expect(await metricValue(logs.registry, 'tickline_eventlog_duplicate_records_total', 'gc')).toBe(2);
  });

  it('append - an invalid record fails alone, the rest of the batch is stored', async () => {
    const log = await openLog();
    const [good, alsoGood] = records('valid', 2);
    const empty = { id: '', key: 'k', type: 't', payload: new Uint8Array(1) };
    const results = await log.append([good!, empty, null as never, alsoGood!]);
    expect(results[0]).toEqual({ ok: true, offset: 1, duplicate: false });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'EVLOG_INVALID_ARGUMENT' } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'EVLOG_INVALID_ARGUMENT' } });
    expect(results[3]).toEqual({ ok: true, offset: 2, duplicate: false });
  });

  it('fsync - interval and never policies still store every record across a reopen', async () => {
    for (const fsync of ['interval', 'never'] as const) {
      const log = await openLog({ fsync, fsyncIntervalMs: 5 });
      await log.append(records(fsync, 20));
      await log.close();
      const reopened = await openLog();
      expect((await reopened.read({ from: 1, limit: 100 })).map((r) => r.id).slice(-20)).toEqual(
        records(fsync, 20).map((r) => r.id),
      );
      await reopened.close();
    }
  });

  it('checkpoints - acknowledgements reach disk within the interval without a close', async () => {
    const log = await openLog({ checkpointIntervalMs: 20 });
    await log.append(records('ack', 10));
    const consumer = await log.consumer('c');
    await consumer.fetch({ max: 10, waitMs: 100 });
    for (let offset = 1; offset <= 10; offset++) await consumer.ack(offset);
    const read = async () =>
      JSON.parse(await readFile(join(logs.dir, CHECKPOINT_FILE), 'utf8')).consumers.c as number;
    await until(async () => (await read()) === 10, {
      timeoutMs: 15_000,
      what: 'the checkpoint to record offset 10',
    });
    expect(await read()).toBe(10);
  });

  it('write failure - a failed roll refuses appends with EVLOG_UNAVAILABLE until a reopen', async () => {
    const log = await openLog({ segmentBytes: 1024 });
    await log.append(records('ok', 3, 200));
    // Squat every name the next segment could take, so creating it fails.
    const squatted = Array.from({ length: 10 }, (_, i) => join(logs.dir, segmentFileName(4 + i)));
    for (const path of squatted) await writeFile(path, '');
    await expect(log.append(records('fail', 3, 200, 3))).rejects.toMatchObject({ code: 'EVLOG_UNAVAILABLE' });
    expect(log.health()).toMatchObject({ connected: false, detail: expect.stringContaining('EEXIST') });
    await expect(log.append(records('more', 1))).rejects.toMatchObject({ code: 'EVLOG_UNAVAILABLE' });
    await log.close();
    for (const path of squatted) await rm(path);
    const reopened = await openLog({ segmentBytes: 1024 });
    expect((await reopened.head()).last).toBe(3);
    expect(await reopened.append(records('fail', 1, 200, 3))).toEqual([
      { ok: true, offset: 4, duplicate: false },
    ]);
  });

  it('close - waits for queued appends, then refuses more', async () => {
    const log = await openLog();
    const pending = log.append(records('late', 5));
    await log.close();
    expect((await pending).every((r) => r.ok)).toBe(true);
    await expect(log.append(records('later', 1))).rejects.toMatchObject({ code: 'EVLOG_CLOSED' });
    await expect(log.read({ from: 1, limit: 1 })).rejects.toMatchObject({ code: 'EVLOG_CLOSED' });
    const reopened = await openLog();
    expect((await reopened.head()).last).toBe(5);
  });
});
