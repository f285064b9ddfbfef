/**
 * The dispatcher's in-process hand-off with a recording stand-in for SQL (no I/O): slots are
 * granted only while running and up to the capacity, a handed delivery is sent once and recorded
 * in one statement, and one whose lease is half gone is left to the SQL claim.
 */
import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import { silentLogger, systemClock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelDelivery, NotificationChannel } from '../channels/channel.ts';
import { Channel, NotificationKind, Severity } from '../kinds.ts';
import { createDispatcher, HANDOFF_CAPACITY, type Dispatcher, type HandedDelivery } from './dispatcher.ts';

const LEASE_MS = 60_000;
const context = { logger: silentLogger, fail: (error: unknown) => console.error(error) };
/** The publisher is never started here, so it never spills: the folder is never created. */
const SPILL_DIR = '/nonexistent/dispatcher-test-spill';

/** Answers every query with no rows and keeps the statements. */
function recordingSql(statements: Array<{ text: string; params: unknown[] }>): Sql {
  const query = async (text: string, params: unknown[] = []) => {
    statements.push({ text, params });
    return { rows: [], rowCount: 0 };
  };
  return { query, transaction: async (fn: (tx: unknown) => unknown) => fn({ query }) } as unknown as Sql;
}

function handed(id: string, leaseUntilMs: number): HandedDelivery {
  return {
    id,
    channel: Channel.Webhook,
    target: 'endpoint-1',
    attempts: 1,
    leaseUntilMs,
    notification: {
      id: `n-${id}`,
      userId: '019a0000-0000-7000-8000-0000000000aa',
      kind: NotificationKind.Test,
      severity: Severity.Info,
      title: 't',
      body: 'b',
      data: {},
      createdAt: new Date().toISOString(),
      locale: 'en',
    },
  };
}

describe('dispatcher hand-off', () => {
  let dispatcher: Dispatcher | undefined;
  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
  });

  function create(
    sent: ChannelDelivery[],
    statements: Array<{ text: string; params: unknown[] }>,
    pollIntervalMs = 50,
  ) {
    const channel: NotificationChannel = {
      channel: Channel.Webhook,
      send: async (delivery) => {
        sent.push(delivery);
        return { outcome: 'delivered', statusCode: 200 };
      },
    };
    return createDispatcher({
      sql: recordingSql(statements),
      publisher: createPublisher({ log: createInMemoryEventLog(), spillDir: SPILL_DIR }),
      clock: systemClock,
      channels: new Map([[Channel.Webhook, channel]]),
      retry: { scheduleSeconds: [1], jitter: 0 },
      pollIntervalMs,
      batchSize: 100,
      concurrency: 8,
      leaseMs: LEASE_MS,
    });
  }

  it('dispatch - slots only while running, at most the capacity; released slots come back', async () => {
    dispatcher = create([], []);
    expect(dispatcher.reserve(5)).toBe(0);
    await dispatcher.start(context);
    expect(dispatcher.reserve(HANDOFF_CAPACITY + 10)).toBe(HANDOFF_CAPACITY);
    expect(dispatcher.reserve(1)).toBe(0);
    dispatcher.release(10);
    expect(dispatcher.reserve(20)).toBe(10);
  });

  it('dispatch - a handed delivery is sent once and recorded in one statement; a half-expired lease is left to SQL', async () => {
    const sent: ChannelDelivery[] = [];
    const statements: Array<{ text: string; params: unknown[] }> = [];
    dispatcher = create(sent, statements);
    await dispatcher.start(context);
    const now = Date.now();
    expect(dispatcher.reserve(2)).toBe(2);
    dispatcher.accept([handed('fresh', now + LEASE_MS), handed('stale', now + LEASE_MS / 4)]);
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(1);
    expect(sent[0]!.deliveryId).toBe('fresh');
    await expect
      .poll(() => statements.some((s) => s.text.includes('insert into notify_attempts')), { timeout: 10_000 })
      .toBe(true);
    const recorded = statements.find((s) => s.text.includes('insert into notify_attempts'))!;
    // Outcomes as rows of [id, status, next attempt, error].
    expect(JSON.parse(recorded.params[0] as string)).toEqual([['fresh', 'delivered', null, null]]);
    // Both slots were given back: the fresh one after its send, the stale one when skipped.
    expect(dispatcher.reserve(HANDOFF_CAPACITY)).toBe(HANDOFF_CAPACITY);
    expect(dispatcher.stats()).toMatchObject({ delivered: 1 });
  });

  it('dispatch - hand-offs do not make the loops claim in SQL; wake() and the poll interval do', async () => {
    const sent: ChannelDelivery[] = [];
    const statements: Array<{ text: string; params: unknown[] }> = [];
    const claims = () => statements.filter((s) => s.text.includes('for update skip locked')).length;
    // A poll interval no test waits out, so only wake() and hand-offs can start a claim.
    dispatcher = create(sent, statements, 600_000);
    await dispatcher.start(context);
    await expect.poll(claims, { timeout: 10_000 }).toBeGreaterThan(0); // the first rounds look in SQL
    await sleep(100);
    const before = claims();
    for (let i = 0; i < 50; i++) {
      expect(dispatcher.reserve(1)).toBe(1);
      dispatcher.accept([handed(`h-${i}`, Date.now() + LEASE_MS)]);
      await sleep(0);
    }
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(50);
    // Fifty hand-offs woke the four loops fifty times; each loop that found the hand-off empty
    // used to claim in SQL.
    expect(claims()).toBe(before);
    const afterHandoffs = claims();
    dispatcher.wake();
    await expect.poll(claims, { timeout: 10_000 }).toBeGreaterThan(afterHandoffs);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
