/**
 * The live quota is counted and taken in one step (LiveStore#withinQuota): parallel enables and
 * resumes of one user never run more strategies than the limit, on PGlite and on PostgreSQL; and
 * what a run started from (its warm-up windows, its capital) is kept while its version is the same.
 */
import { uuidv7 } from '@tickline/kernel';
import { createPgliteSql, createPostgresSql, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import { LiveStore } from './live-store.ts';

const postgres = providedPostgres(inject);

const engines: Array<[string, () => Promise<Sql>]> = [
  ['pglite', () => createPgliteSql({ memory: true })],
  ...(postgres.url
    ? ([
        [
          'postgresql',
          async () => createPostgresSql({ url: await createDatabase(postgres.url!, 'live_quota') }),
        ],
      ] as Array<[string, () => Promise<Sql>]>)
    : []),
];

describe.each(engines)('live quota on %s', (_, open) => {
  const opened: Sql[] = [];
  afterAll(async () => {
    for (const sql of opened) await sql.close();
  });

  async function store(): Promise<{ store: LiveStore; userId: string }> {
    const sql = await open();
    opened.push(sql);
    await migrateForTrading(sql);
    return { store: new LiveStore(sql), userId: uuidv7() };
  }

  const run = (userId: string, n: number) => ({
    id: `${userId}:s${n}`,
    strategyId: uuidv7(),
    version: 1,
    userId,
    tier: 'free',
    portfolioId: userId,
    params: {},
    feeds: [{ symbol: 'BTC-USDT', interval: '1m' as const }],
    warmupBars: 0,
  });

  it('quota - three parallel enables against a limit of two start two', async () => {
    const { store: s, userId } = await store();
    const saved = await Promise.all([0, 1, 2].map((n) => s.saveWithinLimit(run(userId, n), 2)));
    expect(saved.filter(Boolean)).toHaveLength(2);
    expect((await s.list(userId)).filter((r) => r.state === 'running')).toHaveLength(2);
    // Enabling one that runs already is not a new one: it is not counted against itself.
    const running = (await s.list(userId)).find((r) => r.state === 'running')!;
    expect(await s.saveWithinLimit({ ...run(userId, 9), id: running.id }, 2)).toBe(true);
  });

  it('quota - a resume re-checks the limit: two paused runs resumed in parallel at a limit of one, one runs', async () => {
    const { store: s, userId } = await store();
    for (const n of [0, 1]) {
      expect(await s.saveWithinLimit(run(userId, n), 5)).toBe(true);
      await s.pause(`${userId}:s${n}`, { code: 'user', reason: 'r', at: 1 });
    }
    const resumed = await Promise.all([0, 1].map((n) => s.resumeWithinLimit(`${userId}:s${n}`, () => 1)));
    expect(resumed.filter(Boolean)).toHaveLength(1);
    expect((await s.list(userId)).filter((r) => r.state === 'running')).toHaveLength(1);
  });

  it("what a run started from is its last enable's; the checkpoint and its counts stay while the version is the same", async () => {
    const { store: s, userId } = await store();
    const id = `${userId}:s0`;
    const started = { warmup: [{ from: 1_000, to: 60_000 }, null], startingCapital: 9_876.5 };
    expect(await s.saveWithinLimit({ ...run(userId, 0), ...started }, 5)).toBe(true);
    expect(await s.get(id)).toMatchObject(started);
    const first = (await s.get(id))!.enabledAt!;
    await s.checkpoint([{ id, atMs: 90_000, candles: 12, signals: 3 }]);
    // Never back: a late writer of an older checkpoint changes nothing, its counts neither.
    await s.checkpoint([{ id, atMs: 60_000, candles: 11, signals: 2 }]);
    expect(await s.get(id)).toMatchObject({ checkpointMs: 90_000, counts: { candles: 12, signals: 3 } });
    // Enabled again while it runs, on other feeds: the runner warmed it up anew, so its parity
    // replay must start from this enable, not the first (it once kept the first one's).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = {
      feeds: [{ symbol: 'ETH-USDT', interval: '1m' as const }],
      warmup: [{ to: 120_000 }],
      startingCapital: 1,
    };
    await s.save({ ...run(userId, 0), ...again });
    const restarted = (await s.get(id))!;
    expect(restarted).toMatchObject({ ...again, checkpointMs: 90_000, counts: { candles: 12, signals: 3 } });
    expect(restarted.enabledAt).toBeGreaterThan(first);
    // A new version starts anew, its checkpoint too.
    await s.save({ ...run(userId, 0), version: 2, warmup: [{ to: 180_000 }, null], startingCapital: 2 });
    const next = (await s.get(id))!;
    expect(next).toMatchObject({ warmup: [{ to: 180_000 }, null], startingCapital: 2 });
    expect(next.checkpointMs).toBeUndefined();
    expect(next.counts).toEqual({ candles: 0, signals: 0 });
  });

  it('a resume keeps the span it was paused for, after its last decided candle; an enable forgets them', async () => {
    const { store: s, userId } = await store();
    const id = `${userId}:s0`;
    expect(await s.saveWithinLimit(run(userId, 0), 5)).toBe(true);
    await s.checkpoint([{ id, atMs: 120_000, candles: 2, signals: 0 }]);
    await s.pause(id, { code: 'user', reason: 'r', at: 130_000 });
    // Resumed by a process that knows its last decided candle (a later one than the checkpoint).
    expect(await s.resumeWithinLimit(id, () => 5, 600_000, 180_000)).toBe(true);
    await s.pause(id, { code: 'user', reason: 'r', at: 700_000 });
    // Resumed through the store: after its checkpoint; a resume that skips nothing adds no span.
    await s.resume(id, 900_000);
    await s.resume(id, 900_000);
    expect(await s.get(id)).toMatchObject({
      state: 'running',
      checkpointMs: 900_000,
      paused: [
        { after: 180_000, until: 600_000 },
        { after: 600_000, until: 900_000 },
      ],
    });
    await s.save(run(userId, 0));
    expect((await s.get(id))!.paused).toBeUndefined();
  });

  it('a span the kill switch paused says its working orders were cancelled (the parity replay cancels them)', async () => {
    const { store: s, userId } = await store();
    const id = `${userId}:s0`;
    expect(await s.saveWithinLimit(run(userId, 0), 5)).toBe(true);
    await s.checkpoint([{ id, atMs: 120_000, candles: 2, signals: 0 }]);
    expect(
      await s.pausePortfolio(run(userId, 0).portfolioId, { code: 'kill_switch', reason: 'k', at: 130_000 }),
    ).toBe(1);
    // Resumed through the store by another process (the scaled cluster's path).
    expect(await s.resumeWithinLimit(id, () => 5, 600_000)).toBe(true);
    await s.pause(id, { code: 'user', reason: 'r', at: 700_000 });
    await s.resume(id, 900_000);
    expect((await s.get(id))!.paused).toEqual([
      { after: 120_000, until: 600_000, cancelled: true },
      { after: 600_000, until: 900_000 },
    ]);
  });
});
