/** @module Test helpers for the embedded log: temp directories, records, frame positions, metric values. */
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry, type Registry } from '@tickline/kernel';
import { afterEach, beforeEach } from 'vitest';
import { createEmbeddedEventLog, type EmbeddedEventLog } from '../embedded-event-log.ts';
import type { EmbeddedEventLogOptions } from '../options.ts';
import type { AppendRecord } from '../../port/event-log.ts';
import { FRAME_HEADER_BYTES, checkFrame, frameOffset } from '../frame.ts';

/** A fresh temp directory and its removal. */
export async function tempDir(
  prefix = 'tickline-evlog-',
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `count` records with ids `${prefix}-${start + i}` and `size`-byte payloads. */
export function records(prefix: string, count: number, size = 64, start = 0): AppendRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i;
    const payload = new Uint8Array(size);
    for (let j = 0; j < size; j++) payload[j] = (n + j) & 0xff;
    return { id: `${prefix}-${n}`, key: `k${n % 3}`, type: 'test.record', payload };
  });
}

/** Segment file names in `dir`, ascending. */
export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
}

/** `[offset, position, length]` of every valid frame in a segment file. */
export async function framePositions(
  path: string,
): Promise<Array<{ offset: number; pos: number; length: number }>> {
  const fh = await open(path, 'r');
  try {
    const buf = await fh.readFile();
    const out: Array<{ offset: number; pos: number; length: number }> = [];
    for (let pos = 0; pos < buf.length;) {
      const end = checkFrame(buf, pos, buf.length);
      if (end < 0) break;
      out.push({ offset: frameOffset(buf, pos), pos, length: end - pos });
      pos = end;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Overwrites bytes of a file at `pos`. */
export async function patchFile(path: string, pos: number, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.write(bytes, 0, bytes.length, pos);
  } finally {
    await fh.close();
  }
}

/** Appends bytes to the end of a file. */
export async function appendToFile(path: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.write(bytes);
  } finally {
    await fh.close();
  }
}

/** The value of a metric series with label `log` (counters and gauges; histograms give their count). */
export async function metricValue(registry: Registry, name: string, log: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const series = values.filter(
    (v) =>
      v.labels.log === log &&
      (!('metricName' in v) || String(v.metricName).endsWith('_count') || v.metricName === name),
  );
  return series.reduce((sum, v) => sum + v.value, 0);
}

/** Where the body of a frame starts, for tests that damage a payload. */
export const BODY_OFFSET = FRAME_HEADER_BYTES;

/** A temp directory, a metrics registry and an opener per test; logs opened are closed after it. */
export interface TempLogs {
  readonly dir: string;
  readonly registry: Registry;
  open(options?: Partial<EmbeddedEventLogOptions>): Promise<EmbeddedEventLog>;
}

/** Registers `beforeEach`/`afterEach` hooks giving each test a fresh directory for logs named `name`. */
export function useTempLogs(name: string): TempLogs {
  let dir = '';
  let remove: () => Promise<void> = async () => {};
  let registry: Registry = createMetricsRegistry({ processMetrics: false });
  const opened: EmbeddedEventLog[] = [];
  beforeEach(async () => {
    ({ dir, remove } = await tempDir());
    registry = createMetricsRegistry({ processMetrics: false });
  });
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    await remove();
  });
  return {
    get dir() {
      return dir;
    },
    get registry() {
      return registry;
    },
    async open(options = {}) {
      const log = await createEmbeddedEventLog({ dir, name, metrics: registry, ...options });
      opened.push(log);
      return log;
    },
  };
}
