import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import {
  BODY_OFFSET,
  appendToFile,
  framePositions,
  metricValue,
  patchFile,
  records,
  segmentFiles,
  useTempLogs,
} from './testing/temp-log.ts';

describe('embedded log recovery', () => {
  const logs = useTempLogs('rec');
  const openLog = logs.open;

  it('recovery - a torn tail is truncated and reported, appends continue at the next offset', async () => {
    const log = await openLog();
    const written = records('torn', 10);
    await log.append(written);
    await log.close();
    const [segment] = await segmentFiles(logs.dir);
    const path = join(logs.dir, segment!);
    const frames = await framePositions(path);
    const whole = await readFile(path);
    const last = frames.at(-1)!;
    // Half of a copy of the last frame: what a crash in the middle of a write leaves.
    const half = whole.subarray(last.pos, last.pos + Math.floor(last.length / 2));
    await appendToFile(path, half);

    const reopened = await openLog();
    expect(reopened.recovery).toMatchObject({
      truncatedBytes: half.length,
      truncatedSegment: segment,
      corruptRecords: 0,
    });
    expect(reopened.recovery.records).toBe(10);
    expect((await stat(path)).size).toBe(whole.length);
    expect(await metricValue(logs.registry, 'tickline_eventlog_torn_tail_truncations_total', 'rec')).toBe(1);
    expect(await reopened.append(records('torn', 1, 64, 10))).toEqual([
      { ok: true, offset: 11, duplicate: false },
    ]);
    const all = await reopened.read({ from: 1, limit: 100 });
    expect(all.map((r) => r.id)).toEqual([...written.map((r) => r.id), 'torn-10']);
  });

  it('recovery - garbage after the last record is cut, reported and counted; earlier records intact', async () => {
    const log = await openLog();
    const written = records('garbage', 20, 100);
    await log.append(written);
    await log.close();
    const [segment] = await segmentFiles(logs.dir);
    const garbage = randomBytes(777);
    await appendToFile(join(logs.dir, segment!), garbage);

    const reopened = await openLog();
    expect(reopened.recovery.truncatedBytes).toBe(777);
    expect(reopened.recovery.truncatedSegment).toBe(segment);
    expect(await metricValue(logs.registry, 'tickline_eventlog_torn_tail_truncations_total', 'rec')).toBe(1);
    expect(await metricValue(logs.registry, 'tickline_eventlog_truncated_bytes_total', 'rec')).toBe(777);
    const all = await reopened.read({ from: 1, limit: 100 });
    expect(all.map((r) => r.id)).toEqual(written.map((r) => r.id));
    all.forEach((r, i) => expect(Buffer.from(r.payload).equals(Buffer.from(written[i]!.payload))).toBe(true));
  });

  it('recovery - a zero-filled tail (a crash after the file grew) is cut too', async () => {
    const log = await openLog();
    await log.append(records('zeros', 5));
    await log.close();
    const [segment] = await segmentFiles(logs.dir);
    await appendToFile(join(logs.dir, segment!), new Uint8Array(4096));
    const reopened = await openLog();
    expect(reopened.recovery.truncatedBytes).toBe(4096);
    expect((await reopened.head()).last).toBe(5);
  });

  it('recovery - a flipped byte inside a sealed segment loses only that record, counted and skipped', async () => {
    const log = await openLog({ segmentBytes: 2048 });
    const written = records('flip', 60, 100);
    for (const record of written) await log.append([record]);
    await log.close();
    const files = await segmentFiles(logs.dir);
    expect(files.length).toBeGreaterThan(3);
    const sealed = join(logs.dir, files[1]!);
    const frames = await framePositions(sealed);
    const victim = frames[2]!;
    await patchFile(
      sealed,
      victim.pos + victim.length - 5,
      Buffer.from([0xff ^ (await readFile(sealed))[victim.pos + victim.length - 5]!]),
    );

    const reopened = await openLog({ segmentBytes: 2048 });
    const all = await reopened.read({ from: 1, limit: 100 });
    expect(all.map((r) => r.offset)).toEqual(written.map((_, i) => i + 1).filter((o) => o !== victim.offset));
    expect(await metricValue(logs.registry, 'tickline_eventlog_corrupt_records_total', 'rec')).toBe(1);
    await expect(reopened.read({ from: victim.offset, limit: 1 })).rejects.toMatchObject({
      code: 'EVLOG_CORRUPT_RECORD',
      details: { offset: victim.offset, next: victim.offset + 1 },
    });
    const consumer = await reopened.consumer('skips');
    const fetched: Array<{ offset: number }> = [];
    await until(
      async () => {
        fetched.push(...(await consumer.fetch({ max: 100, waitMs: 50 })));
        return fetched.length >= 59;
      },
      { timeoutMs: 15_000, what: 'the 59 readable records' },
    );
    expect(fetched).toHaveLength(59);
    expect(fetched.some((r) => r.offset === victim.offset)).toBe(false);
  });

  it('recovery - a damaged length field is resynchronised byte by byte; only that record is lost', async () => {
    const log = await openLog({ segmentBytes: 2048 });
    const written = records('length', 40, 100);
    for (const record of written) await log.append([record]);
    await log.close();
    const files = await segmentFiles(logs.dir);
    const sealed = join(logs.dir, files[0]!);
    const victim = (await framePositions(sealed))[3]!;
    await patchFile(sealed, victim.pos, Buffer.from([0xff, 0xff, 0x00, 0x10]));

    const reopened = await openLog({ segmentBytes: 2048 });
    const all = await reopened.read({ from: 1, limit: 100 });
    expect(all).toHaveLength(39);
    expect(all.map((r) => r.offset)).not.toContain(victim.offset);
    expect(all.map((r) => r.id)).toEqual(written.filter((_, i) => i + 1 !== victim.offset).map((r) => r.id));
  });

  it('recovery - damage in the middle of the active segment is skipped, not truncated', async () => {
    const log = await openLog();
    await log.append(records('active', 30, 50));
    await log.close();
    const [segment] = await segmentFiles(logs.dir);
    const path = join(logs.dir, segment!);
    const victim = (await framePositions(path))[10]!;
    await patchFile(path, victim.pos + BODY_OFFSET + 1, Buffer.from([0xee]));

    const reopened = await openLog();
    expect(reopened.recovery).toMatchObject({ truncatedBytes: 0, corruptRecords: 1, records: 29 });
    expect(await metricValue(logs.registry, 'tickline_eventlog_corrupt_records_total', 'rec')).toBe(1);
    expect(await reopened.append(records('active', 1, 50, 30))).toEqual([
      { ok: true, offset: 31, duplicate: false },
    ]);
    expect((await reopened.read({ from: 1, limit: 100 })).map((r) => r.offset)).toEqual(
      Array.from({ length: 31 }, (_, i) => i + 1).filter((o) => o !== 11),
    );
  });

  it('recovery - an empty last segment is dropped and the one before takes appends again', async () => {
    const log = await openLog({ segmentBytes: 1024 });
    for (const record of records('empty', 20, 100)) await log.append([record]);
    await log.close();
    const files = await segmentFiles(logs.dir);
    const last = join(logs.dir, files.at(-1)!);
    const lastFrames = await framePositions(last);
    // Garbage where the whole last segment was: nothing valid in it survives.
    await writeFile(last, randomBytes(300));
    const reopened = await openLog({ segmentBytes: 1024 });
    expect(await segmentFiles(logs.dir)).toEqual(files.slice(0, -1));
    expect(reopened.recovery.truncatedBytes).toBe(300);
    const head = await reopened.head();
    expect(head.last).toBe(lastFrames[0]!.offset - 1);
    expect((await reopened.append(records('again', 1)))[0]).toMatchObject({ offset: head.last + 1 });
  });

  it('recovery - appends repeated after a reopen are still answered as duplicates', async () => {
    const log = await openLog({ segmentBytes: 1024 });
    const written = records('dedupe', 30, 100);
    for (const record of written) await log.append([record]);
    await log.close();
    const reopened = await openLog({ segmentBytes: 1024 });
    const again = await reopened.append([written[0]!, written[29]!]);
    expect(again).toEqual([
      { ok: true, offset: 1, duplicate: true },
      { ok: true, offset: 30, duplicate: true },
    ]);
  });
});
