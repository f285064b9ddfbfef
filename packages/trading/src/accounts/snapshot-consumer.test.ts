import type { Publisher } from '@tickline/eventlog';
import { AccountCreated } from '@tickline/identity';
import {
  createEventSource,
  defineEvent,
  ManualClock,
  silentLogger,
  type EventEnvelope,
} from '@tickline/kernel';
import { createPgliteSql, type Sql } from '@tickline/store';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { until } from '@tickline/testing';
import type { AccountSnapshotData } from './account-events.ts';
import { ACCOUNT_SNAPSHOTS_CONSUMER, createSnapshotHandler } from './snapshot-consumer.ts';
import { createSnapshotOutbox } from './snapshot-outbox.ts';
import { findSnapshot } from './snapshot-store.ts';

const clock = new ManualClock(Date.parse('2026-11-22T10:00:00.000Z'));
const identity = createEventSource({ source: 'identity', clock });
const Unrelated = defineEvent({ type: 'test.unrelated', description: 'noise', schema: z.object({}) });
const USERS = ['01a20158-8c4b-767c-9f41-000000000001', '01a20158-8c4b-767c-9f41-000000000002'];

let sql: Sql;
beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrateForTrading(sql);
}, 60_000); // PGlite start and migrations take seconds on a busy machine
afterAll(() => sql.close());

const created = (userId: string, tier: 'free' | 'premium' = 'free') =>
  identity.create(AccountCreated, {
    subject: userId,
    data: { userId, email: `${userId}@example.com`, role: 'user', tier, method: 'password' },
    correlationid: `request-${userId.slice(-1)}`,
  });
const context = (lastOffset: number) => ({ logger: silentLogger, offsets: [lastOffset], lastOffset });

function recordingOutbox() {
  const sent: EventEnvelope<AccountSnapshotData>[][] = [];
  return {
    sent,
    send: (events: readonly EventEnvelope<AccountSnapshotData>[]) => void sent.push([...events]),
  };
}

function fakePublisher(flushed: boolean) {
  const published: EventEnvelope[] = [];
  const publisher = {
    publish: (event: EventEnvelope) => void published.push(event),
    flush: async () => flushed,
  } as unknown as Publisher;
  return { published, publisher };
}

const unpublishedCount = async () =>
  Number(
    (await sql.query<{ n: number }>('select count(*) as n from account_snapshots where published_at is null'))
      .rows[0]!.n,
  );

describe('accounts - snapshot consumer', () => {
  const outbox = recordingOutbox();
  let handle: ReturnType<typeof createSnapshotHandler>;
  beforeAll(() => {
    handle = createSnapshotHandler({ sql, outbox, clock });
  });
  const batch = [
    created(USERS[0]!),
    identity.create(Unrelated, { subject: 'x', data: {} }),
    created(USERS[1]!, 'premium'),
  ];

  it('consumer - given account.created events, then one snapshot each and its event, after the commit', async () => {
    await handle(batch, context(3));
    expect(outbox.sent).toHaveLength(1);
    const events = outbox.sent[0]!;
    expect(events.map((e) => [e.type, e.subject, e.causationid, e.correlationid])).toEqual([
      ['account.snapshot.generated', USERS[0], batch[0]!.id, 'request-1'],
      ['account.snapshot.generated', USERS[1], batch[2]!.id, 'request-2'],
    ]);
    expect(events[1]!.data).toEqual({
      accountId: USERS[1],
      tier: 'premium',
      currency: 'USDT',
      cash: '100000.00',
      positions: [],
      generatedAt: '2026-11-22T10:00:00.000Z',
    });
    expect(events[0]!.source).toBe('platform/account-snapshots');
    expect(await findSnapshot(sql, USERS[0]!)).toEqual({ ...events[0]!.data });
    const checkpoint = await sql.query<{ position: number }>(
      'select position from consumer_checkpoints where consumer = $1',
      [ACCOUNT_SNAPSHOTS_CONSUMER],
    );
    expect(checkpoint.rows[0]?.position).toBe(3);
  });

  it('consumer - when the batch is delivered again, then nothing changes and nothing is announced twice', async () => {
    clock.advance(60_000);
    await handle(batch, context(3));
    expect(outbox.sent.at(-1)).toEqual([]);
    // A second account.created for the same account (another id) keeps the first snapshot.
    await handle([created(USERS[0]!, 'premium')], context(4));
    expect(outbox.sent.at(-1)).toEqual([]);
    expect((await findSnapshot(sql, USERS[0]!))?.cash).toBe('10000.00');
    const rows = await sql.query<{ n: number }>('select count(*) as n from account_snapshots');
    expect(Number(rows.rows[0]!.n)).toBe(2);
  });

  it('outbox - at start, unmarked snapshot events are re-sent with their ids, then marked once in the log', async () => {
    expect(await unpublishedCount()).toBe(2);
    const slow = fakePublisher(false);
    const stalled = createSnapshotOutbox({ sql, publisher: slow.publisher });
    await stalled.start({ logger: silentLogger, fail: () => {} });
    await until(() => slow.published.length === 2);
    await stalled.stop();
    expect(await unpublishedCount()).toBe(2);

    const live = fakePublisher(true);
    const outboxService = createSnapshotOutbox({ sql, publisher: live.publisher });
    await outboxService.start({ logger: silentLogger, fail: () => {} });
    expect(live.published.map((e) => e.id)).toEqual(outbox.sent[0]!.map((e) => e.id));
    expect(live.published).toEqual(outbox.sent[0]);
    await expect.poll(unpublishedCount, { timeout: 5_000 }).toBe(0);
    await outboxService.stop();

    const next = fakePublisher(true);
    const restarted = createSnapshotOutbox({ sql, publisher: next.publisher });
    await restarted.start({ logger: silentLogger, fail: () => {} });
    expect(next.published).toEqual([]);
    await restarted.stop();
  });
});
