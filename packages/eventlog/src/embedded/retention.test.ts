import { describe, expect, it } from 'vitest';
import type { EmbeddedEventLog } from './embedded-event-log.ts';
import {
  framePositions,
  metricValue,
  records,
  segmentFiles,
  useTempLogs,
} from './testing/temp-log.ts';
import { join } from 'node:path';

describe('embedded log segments and retention', () => {
  const logs = useTempLogs('seg');
  const openLog = logs.open;
  const appendOneByOne = async (log: EmbeddedEventLog, prefix: string, count: number): Promise<void> => {
    for (const record of records(prefix, count, 200)) await log.append([record]);
  };

  it('segments - roll past segmentBytes, are named by their first offset, and read back in order', async () => {
    const log = await openLog({ segmentBytes: 4096 });
    await appendOneByOne(log, 'roll', 100);
    const files = await segmentFiles(logs.dir);
    expect(files.length).toBeGreaterThan(4);
    expect(log.stats()).toMatchObject({ segments: files.length, first: 1, last: 100 });
    for (const file of files) {
      const frames = await framePositions(join(logs.dir, file));
      expect(frames[0]!.offset).toBe(Number(file.slice(0, 20)));
      expect(frames.reduce((n, f) => n + f.length, 0)).toBeLessThanOrEqual(4096);
    }
    expect(await metricValue(logs.registry, 'tickline_eventlog_segments', 'seg')).toBe(files.length);
    await log.close();
    const reopened = await openLog({ segmentBytes: 4096 });
    const all = await reopened.read({ from: 1, limit: 1000 });
    expect(all.map((r) => r.id)).toEqual(records('roll', 100).map((r) => r.id));
    expect((await reopened.read({ from: 57, limit: 3 })).map((r) => r.offset)).toEqual([57, 58, 59]);
  });

  it('retention - by size deletes the oldest sealed segments; consumers behind continue at the first kept', async () => {
    const log = await openLog({ segmentBytes: 4096 });
    const lagging = await log.consumer('lagging');
    await appendOneByOne(log, 'size', 200);
    await lagging.close();
    const before = await segmentFiles(logs.dir);
    await log.close();
    // Opening runs retention in the background; an explicit run queues behind it.
    const reopened = await openLog({ segmentBytes: 4096, retention: { maxBytes: 16 * 1024 } });
    await reopened.applyRetention();
    const after = await segmentFiles(logs.dir);
    expect(after.length).toBeLessThan(before.length);
    expect(after).toEqual(before.slice(before.length - after.length));
    expect(reopened.stats().bytes).toBeLessThanOrEqual(16 * 1024);
    expect(after.at(-1)).toBe(before.at(-1)); // never the active segment
    const head = await reopened.head();
    expect(head).toEqual({ first: Number(after[0]!.slice(0, 20)), last: 200 });
    expect(
      await metricValue(logs.registry, 'tickline_eventlog_retention_deleted_segments_total', 'seg'),
    ).toBeGreaterThan(0);
    const consumer = await reopened.consumer('lagging');
    const batch = await consumer.fetch({ max: 5, waitMs: 100 });
    expect(batch[0]!.offset).toBe(head.first);
    expect((await reopened.read({ from: 1, limit: 1 }))[0]!.offset).toBe(head.first);
  });

  it('retention - by age deletes sealed segments older than maxAgeMs, never the active one', async () => {
    let clock = 1_000_000;
    const log = await openLog({ segmentBytes: 4096, now: () => clock, retention: { maxAgeMs: 60_000 } });
    await appendOneByOne(log, 'age', 100);
    const files = await segmentFiles(logs.dir);
    expect((await log.applyRetention()).deletedSegments).toBe(0);
    clock += 60_001;
    const result = await log.applyRetention();
    expect(result.deletedSegments).toBe(files.length - 1);
    expect(await segmentFiles(logs.dir)).toEqual([files.at(-1)]);
    expect((await log.head()).first).toBe(Number(files.at(-1)!.slice(0, 20)));
    expect(log.stats().segments).toBe(1);
  });

  it('retention - runs by itself after a roll', async () => {
    const log = await openLog({ segmentBytes: 4096, retention: { maxBytes: 8192 } });
    await appendOneByOne(log, 'auto', 200);
    await log.applyRetention(); // waits for the runs the rolls started
    expect(log.stats().bytes).toBeLessThanOrEqual(8192);
    expect((await log.head()).first).toBeGreaterThan(1);
  });
});
