import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEmbeddedEventLog,
  DEAD_LETTER_TYPE,
  encodeDeadLetter,
  type EmbeddedEventLog,
} from '@tickline/eventlog';
import { createEventSource, defineEvent, encodeEvent, type EventEnvelope } from '@tickline/kernel';
import { HTTP, type CloudEvent } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CliIo } from '@tickline/cli';
import { runCli } from '../program.ts';
import { runRecorded } from '../test-io.test-support.ts';
import { until } from '@tickline/testing';

const Moved = defineEvent({
  type: 'game.player.moved',
  version: 1,
  description: 'A player moved.',
  schema: z.object({ x: z.number() }),
});
const Traded = defineEvent({
  type: 'market.trade',
  version: 1,
  description: 'A trade happened.',
  schema: z.object({ price: z.number() }),
});

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-logcmd-'));
const env = { TICKLINE_DATA_DIR: dataDir };
const events: EventEnvelope[] = [];
let appendedAt: number;

beforeAll(async () => {
  const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog') });
  const source = createEventSource({ source: 'zone/zone-1' });
  events.push(
    source.create(Moved, { subject: 'p1', data: { x: 1 } }),
    source.create(Traded, { subject: 'BTC', data: { price: 2 } }),
  );
  const toRecord = (e: EventEnvelope) => ({
    id: e.id,
    key: e.partitionkey,
    type: e.type,
    payload: encodeEvent(e),
  });
  await log.append(events.map(toRecord));
  // Offset 3: bytes that are not an event.
  await log.append([
    { id: 'garbage-1', key: 'k', type: 'game.player.moved', payload: Uint8Array.of(9, 9, 9) },
  ]);
  appendedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 5));
  events.push(source.create(Moved, { subject: 'p2', data: { x: 3 } }));
  await log.append([toRecord(events[2]!)]);
  const consumer = await log.consumer('projections');
  const batch = await consumer.fetch({ max: 2, waitMs: 50 });
  await consumer.ack(batch.at(-1)!.offset);
  await consumer.close();
  await log.close();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function lines(text: string): unknown[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

describe('cli - log info', () => {
  it('log info - head, storage, recovery and consumers with lag', async () => {
    const run = await runRecorded(['log', 'info'], env);
    expect(run.outcome).toBe(0);
    expect(run.stdout).toContain(`event log   ${join(dataDir, 'eventlog')} (embedded)`);
    expect(run.stdout).toContain('offsets     first 1, last 4 (4 records)');
    expect(run.stdout).toMatch(/storage {5}segments 1, bytes \d+/);
    expect(run.stdout).toMatch(/recovery {4}segments 1, records 4, truncatedBytes 0, corruptRecords 0/);
    expect(run.stdout).toMatch(/projections {2}acked 2 {2}lag 2/);
  });

  it('log info - --json carries the same facts', async () => {
    const info = JSON.parse((await runRecorded(['log', 'info', '--json'], env)).stdout) as Record<
      string,
      unknown
    >;
    expect(info).toMatchObject({
      head: { first: 1, last: 4 },
      records: 4,
      consumers: [{ name: 'projections', acked: 2, lag: 2 }],
      stats: { segments: 1 },
      recovery: { records: 4 },
    });
  });
});

describe('cli - log tail', () => {
  it('log tail - prints decoded envelopes as JSON lines and an error line for a bad record', async () => {
    const run = await runRecorded(['log', 'tail', '--no-follow'], env);
    expect(run.outcome).toBe(0);
    expect(lines(run.stdout)).toEqual([
      { offset: 1, ...events[0] },
      { offset: 2, ...events[1] },
      { offset: 4, ...events[2] },
    ]);
    expect(lines(run.stderr)).toEqual([
      {
        offset: 3,
        id: 'garbage-1',
        type: 'game.player.moved',
        error: { code: 'KERNEL_EVENT_VERSION_UNSUPPORTED', message: 'unsupported event encoding version 9' },
      },
    ]);
  });

  it('log tail - every line printed is a CloudEvent the official SDK accepts (offset is an extension)', async () => {
    const run = await runRecorded(['log', 'tail', '--no-follow'], env);
    const printed = run.stdout.trim().split('\n');
    expect(printed).toHaveLength(3);
    for (const line of printed) {
      const event = HTTP.toEvent<unknown>({
        headers: { 'content-type': 'application/cloudevents+json' },
        body: line,
      }) as CloudEvent<unknown>;
      expect(event.validate()).toBe(true); // throws on any attribute that does not conform
      expect(event).toMatchObject({
        specversion: '1.0',
        dataschema: expect.stringMatching(/^urn:tickline:schemas:/),
      });
    }
  });

  it('log tail - --type filters by prefix, --from and --limit bound the output', async () => {
    const byType = await runRecorded(['log', 'tail', '--no-follow', '--type', 'market.'], env);
    expect(lines(byType.stdout)).toEqual([{ offset: 2, ...events[1] }]);
    const bounded = await runRecorded(['log', 'tail', '--no-follow', '--from', '2', '--limit', '1'], env);
    expect(lines(bounded.stdout)).toEqual([{ offset: 2, ...events[1] }]);
  });

  it('log tail - --from an ISO time starts at the first record appended at or after it', async () => {
    const run = await runRecorded(
      ['log', 'tail', '--no-follow', '--from', new Date(appendedAt + 1).toISOString()],
      env,
    );
    expect(lines(run.stdout)).toEqual([{ offset: 4, ...events[2] }]);
  });

  it('log tail - following prints records appended after it started, until interrupted', async () => {
    const interrupt = new AbortController();
    let stdout = '';
    const io: CliIo = {
      out: (text) => {
        stdout += text;
        interrupt.abort();
      },
      err: () => {},
      env,
      interrupted: interrupt.signal,
    };
    const tail = runCli(['node', 'tickline', 'log', 'tail'], io);
    // The tail starts at the log's end as of when it has the log open, which it does not say: a
    // record appended before that is not one appended after it started. So records are appended
    // one at a time until it prints one; a busy machine may take a while to open the log.
    const writer = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog') });
    const source = createEventSource({ source: 'zone/zone-9' });
    const appended: Array<{ offset: number; event: EventEnvelope }> = [];
    await until(
      async () => {
        if (stdout !== '') return true;
        const late = source.create(Moved, { subject: 'p9', data: { x: 9 } });
        const [result] = await writer.append([
          { id: late.id, key: late.partitionkey, type: late.type, payload: encodeEvent(late) },
        ]);
        appended.push({ offset: result!.ok ? result!.offset : -1, event: late });
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'log tail printing a record appended after it started' },
    );
    await writer.close();
    expect(await tail).toBe(0);
    // The first record it printed is one appended while it followed, and it printed each once.
    const printed = lines(stdout) as Array<{ offset: number }>;
    expect(printed.length).toBeGreaterThan(0);
    const from = appended.findIndex((a) => a.offset === printed[0]!.offset);
    expect(from).toBeGreaterThanOrEqual(0);
    expect(printed).toEqual(
      appended.slice(from, from + printed.length).map((a) => ({ offset: a.offset, ...a.event })),
    );
    events.push(...appended.map((a) => a.event));
  });

  it('log tail - a malformed --from or --limit is a usage error', async () => {
    const from = await runRecorded(['log', 'tail', '--no-follow', '--from', 'yesterday'], env);
    expect(from.outcome).toBe(2);
    expect(from.stderr).toContain('--from "yesterday": expected earliest, latest, an offset');
    expect((await runRecorded(['log', 'tail', '--no-follow', '--limit', '0'], env)).outcome).toBe(2);
  });
});

describe('cli - dead letters', () => {
  it('log tail --dlq - prints dead letters with the original event decoded', async () => {
    const original = events[0]!;
    const dlq = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog-dlq') });
    const letter = {
      v: 1 as const,
      record: {
        offset: 1,
        id: original.id,
        key: original.partitionkey,
        type: original.type,
        time: 1,
        payload: encodeEvent(original),
      },
      log: 'eventlog',
      consumer: 'projections',
      error: { code: 'EVLOG_HANDLER_FAILED', message: 'handler failed: boom' },
      attempts: 5,
      failedAt: Date.UTC(2026, 10, 22, 10),
    };
    await dlq.append([
      {
        id: `dlq-${original.id}`,
        key: original.partitionkey,
        type: DEAD_LETTER_TYPE,
        payload: encodeDeadLetter(letter),
      },
    ]);
    await dlq.close();
    const run = await runRecorded(['log', 'tail', '--dlq', '--no-follow'], env);
    expect(run.stderr).toBe('');
    expect(lines(run.stdout)).toEqual([
      {
        offset: 1,
        type: DEAD_LETTER_TYPE,
        consumer: 'projections',
        log: 'eventlog',
        error: { code: 'EVLOG_HANDLER_FAILED', message: 'handler failed: boom' },
        attempts: 5,
        failedAt: '2026-11-22T10:00:00.000Z',
        original: {
          offset: 1,
          id: original.id,
          key: original.partitionkey,
          type: original.type,
          event: original,
        },
      },
    ]);
  });
});

describe('cli - log replay', () => {
  it('log replay - prints an inclusive offset range', async () => {
    const run = await runRecorded(['log', 'replay', '--from', '1', '--to', '2'], env);
    expect(lines(run.stdout)).toEqual([
      { offset: 1, ...events[0] },
      { offset: 2, ...events[1] },
    ]);
  });

  it('log replay - fails clearly while a server holds the embedded log', async () => {
    let holder: EmbeddedEventLog | undefined = await createEmbeddedEventLog({
      dir: join(dataDir, 'eventlog'),
    });
    try {
      const run = await runRecorded(
        ['log', 'replay', '--consumer', 'projections', '--from', 'earliest'],
        env,
      );
      expect(run.outcome).toBe(1);
      expect(run.stderr).toMatch(
        /^error: cannot rewind consumer "projections": .*locked by pid \d+ \(a running tickline holds it\); stop it first/,
      );
      expect(run.stderr).toContain('[SERVER_LOG_IN_USE]');
    } finally {
      await holder.close();
      holder = undefined;
    }
  });

  it('log replay - --consumer rewinds a durable consumer', async () => {
    const run = await runRecorded(['log', 'replay', '--consumer', 'projections', '--from', 'earliest'], env);
    expect(run.outcome).toBe(0);
    expect(run.stdout).toContain('consumer projections');
    // Every event, and the record at offset 3 that is not one.
    expect(run.stdout).toContain(`acked 2 → 0, ${events.length + 1} records to replay`);
    const info = JSON.parse((await runRecorded(['log', 'info', '--json'], env)).stdout) as {
      consumers: unknown[];
    };
    expect(info.consumers).toEqual([{ name: 'projections', acked: 0, lag: events.length + 1 }]);
  });

  it('log replay - --to with --consumer is refused', async () => {
    const run = await runRecorded(['log', 'replay', '--consumer', 'x', '--from', '1', '--to', '2'], env);
    expect(run.outcome).toBe(2);
  });
});

describe('cli - log on a game log partition', () => {
  it('log tail --game-partition - reads that partition’s directory; a bad index is a coded error', async () => {
    const partitioned = { ...env, TICKLINE_EVENTLOG_GAME_PARTITIONS: '4' };
    const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog-game-2') });
    const moved = createEventSource({ source: 'zone/zone-4' }).create(Moved, {
      subject: 'p9',
      data: { x: 9 },
    });
    await log.append([
      { id: moved.id, key: moved.partitionkey, type: moved.type, payload: encodeEvent(moved) },
    ]);
    await log.close();
    const run = await runRecorded(['log', 'tail', '--no-follow', '--game-partition', '2'], partitioned);
    expect(run.outcome).toBe(0);
    expect(lines(run.stdout)).toEqual([{ offset: 1, ...moved }]);
    const bad = await runRecorded(['log', 'tail', '--no-follow', '--game-partition', 'x'], partitioned);
    expect(bad.outcome).not.toBe(0);
    expect(bad.stderr).toContain('--game-partition');
  });
});
