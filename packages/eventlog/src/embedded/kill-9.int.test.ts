/**
 * The fault test: a child process appends continuously and is killed with SIGKILL mid-stream,
 * several times; every batch it acknowledged must be in the log exactly once, in order, with
 * contiguous offsets, and each restart recovers the tail and carries on.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEventLog } from './embedded-event-log.ts';
import { appendToFile, framePositions, segmentFiles, tempDir } from './testing/temp-log.ts';

const CHILD = fileURLToPath(new URL('./testing/append-child.ts', import.meta.url));
const CYCLES = 3;
const RUN_MS = 1500;
const READ_CHUNK = 10_000;

interface Ack {
  prefix: string;
  appender: number;
  seq: number;
  count: number;
  offset: number;
}

/** Runs the child until it has appended for RUN_MS, kills it with SIGKILL, returns its acks. */
async function runAndKill(
  dir: string,
  prefix: string,
): Promise<{ acks: Ack[]; readyLast: number; recovery: unknown }> {
  const child = spawn(process.execPath, [CHILD, dir, prefix, '2', '100'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const acks: Ack[] = [];
  let readyLast = -1;
  let recovery: unknown;
  let killTimer: NodeJS.Timeout | undefined;
  const lines = createInterface({ input: child.stdout });
  const drained = new Promise((resolve) => lines.once('close', resolve));
  lines.on('line', (line) => {
    const [kind, a, b, c, d] = line.split(' ');
    if (kind === 'READY') {
      readyLast = Number(a);
      recovery = JSON.parse(line.slice(line.indexOf('{')));
      killTimer = setTimeout(() => child.kill('SIGKILL'), RUN_MS);
    } else if (kind === 'ACK') {
      acks.push({ prefix, appender: Number(a), seq: Number(b), count: Number(c), offset: Number(d) });
    }
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const signal = await exited;
  clearTimeout(guard);
  clearTimeout(killTimer);
  await drained; // every line the child wrote before dying
  expect(signal, `child died on its own: ${stderr}`).toBe('SIGKILL');
  return { acks, readyLast, recovery };
}

/**
 * Every record's id by offset (index 0 = offset 1), checking offsets are contiguous. Read-only
 * leaves the repair of the tail to the next writer (the restarted child).
 */
async function idsByOffset(dir: string, readOnly = false): Promise<{ ids: string[]; recovery: unknown }> {
  const log = await createEmbeddedEventLog({ dir, readOnly });
  try {
    const ids: string[] = [];
    for (;;) {
      const batch = await log.read({ from: ids.length + 1, limit: READ_CHUNK });
      for (const record of batch) {
        if (record.offset !== ids.length + 1) throw new Error(`offset ${record.offset} after ${ids.length}`);
        ids.push(record.id);
      }
      if (batch.length < READ_CHUNK) break;
    }
    expect((await log.head()).last).toBe(ids.length);
    return { ids, recovery: log.recovery };
  } finally {
    await log.close();
  }
}

function verify(ids: string[], acks: Ack[]): void {
  expect(new Set(ids).size).toBe(ids.length); // exactly once
  const wrong: string[] = [];
  for (const ack of acks)
    for (let i = 0; i < ack.count; i++) {
      const expected = `${ack.prefix}-${ack.appender}-${ack.seq + i}`;
      if (ids[ack.offset - 1 + i] !== expected)
        wrong.push(`${ack.offset + i}: ${ids[ack.offset - 1 + i]} ≠ ${expected}`);
    }
  expect(wrong.slice(0, 5)).toEqual([]);
}

describe('embedded log - kill -9', () => {
  let dir: string;
  let remove: () => Promise<void>;
  const acks: Ack[] = [];

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('tickline-kill9-'));
  });
  afterAll(async () => {
    await remove();
  });

  it('kill -9 - every acknowledged batch survives, once, in order, across repeated kills', async () => {
    let last = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const run = await runAndKill(dir, `c${cycle}`);
      if (process.env.KILL9_VERBOSE)
        console.log(`cycle ${cycle}: ${run.acks.length} acked batches`, run.recovery);
      expect(run.readyLast).toBe(last); // the restart recovered exactly what was there
      expect(run.acks.length).toBeGreaterThan(10);
      acks.push(...run.acks);
      const { ids } = await idsByOffset(dir, true);
      verify(ids, acks);
      expect(ids.length).toBeGreaterThanOrEqual(Math.max(...run.acks.map((a) => a.offset + a.count - 1)));
      last = ids.length;
    }
    expect((await segmentFiles(dir)).length).toBeGreaterThan(1);
  });

  it('kill -9 - a torn frame appended by hand is truncated and reported, nothing acknowledged is lost', async () => {
    // Its own directory and records: it must not depend on what the previous case left behind
    // (its last segment can be empty right after a roll).
    const own = await tempDir('tickline-torn-');
    try {
      const writer = await createEmbeddedEventLog({ dir: own.dir, segmentBytes: 4096 });
      const written: Ack[] = [];
      try {
        for (let batch = 0; batch < 20; batch++) {
          const results = await writer.append(
            Array.from({ length: 5 }, (_, i) => ({
              id: `t-0-${batch * 5 + i}`,
              key: 'k',
              type: 't',
              payload: new Uint8Array(64),
            })),
          );
          const first = results[0]!;
          if (!first.ok) throw new Error('append failed');
          written.push({ prefix: 't', appender: 0, seq: batch * 5, count: 5, offset: first.offset });
        }
      } finally {
        await writer.close();
      }
      const files = await segmentFiles(own.dir);
      expect(files.length).toBeGreaterThan(1);
      // A whole frame copied from the last segment that has one, torn, then written at the tail.
      let source: { path: string; frame: { pos: number; length: number } } | undefined;
      for (const file of [...files].reverse()) {
        const frames = await framePositions(join(own.dir, file));
        if (frames.length > 0) {
          source = { path: join(own.dir, file), frame: frames.at(-1)! };
          break;
        }
      }
      if (!source) throw new Error('no frame in any segment');
      const torn = (await readFile(source.path)).subarray(
        source.frame.pos,
        source.frame.pos + source.frame.length - 7,
      );
      const tail = join(own.dir, files.at(-1)!);
      await appendToFile(tail, torn);
      const { ids, recovery } = await idsByOffset(own.dir);
      expect(recovery).toMatchObject({ truncatedBytes: torn.length, truncatedSegment: files.at(-1) });
      expect(ids).toHaveLength(100);
      verify(ids, written);
      const log = await createEmbeddedEventLog({ dir: own.dir });
      try {
        expect(log.recovery.truncatedBytes).toBe(0);
        expect(
          (await log.append([{ id: 'after-torn', key: 'k', type: 't', payload: new Uint8Array(4) }]))[0],
        ).toEqual({
          ok: true,
          offset: ids.length + 1,
          duplicate: false,
        });
      } finally {
        await log.close();
      }
    } finally {
      await own.remove();
    }
  });
});
