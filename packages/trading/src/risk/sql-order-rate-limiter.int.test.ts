/**
 * Orders per minute counted in PostgreSQL (no Redis): two processes' limiters, each on its own
 * connection pool to one database, take exactly the limit in a burst; the window slides; and a
 * database that does not answer leaves the process's own count in charge. PGlite runs the same
 * statement (one process, but the statement's arithmetic is the same).
 */
import { createPgliteSql, createPostgresSql, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrateForTrading } from '../testing/trading-migrations.ts';
import type { OrderRateLimiter } from './order-rate-limiter.ts';
import { createSqlOrderRateLimiter } from './sql-order-rate-limiter.ts';

const T0 = Date.UTC(2026, 0, 1);
const postgres = providedPostgres(inject);

/** Two connections to one migrated database: two strategy processes. */
type Open = () => Promise<[Sql, Sql]>;
let pglite: Promise<Sql> | undefined;
const engines: Array<[string, Open]> = [
  [
    'pglite',
    async () => {
      // One in-memory database for the file: each test uses its own portfolio ids.
      pglite ??= createPgliteSql({ memory: true }).then(async (sql) => {
        await migrateForTrading(sql);
        return sql;
      });
      const sql = await pglite;
      return [sql, sql];
    },
  ],
  ...(postgres.url
    ? ([
        [
          'postgresql',
          async () => {
            const url = await createDatabase(postgres.url!, 'order_rate');
            const first = await createPostgresSql({ url, poolSize: 4 });
            await migrateForTrading(first);
            return [first, await createPostgresSql({ url, poolSize: 4 })];
          },
        ],
      ] as Array<[string, Open]>)
    : []),
];

describe.each(engines)('orders per minute - one count across processes on %s', (_, open) => {
  const opened: Sql[] = [];
  afterAll(async () => {
    for (const sql of new Set(opened)) await sql.close();
  });
  async function limiters(): Promise<{ sql: Sql; a: OrderRateLimiter; b: OrderRateLimiter }> {
    const [first, second] = await open();
    opened.push(first, second);
    return {
      sql: first,
      a: createSqlOrderRateLimiter({ sql: first }),
      b: createSqlOrderRateLimiter({ sql: second }),
    };
  }

  it('takes exactly the limit when both place at once, then again once the window moved', async () => {
    const { a, b } = await limiters();
    const takes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).take('p-burst', 5, T0 + i)),
    );
    expect(takes.filter((t) => t.allowed)).toHaveLength(5);
    expect(takes.filter((t) => !t.allowed).every((t) => t.recent === 5)).toBe(true);
    // The counted ones saw 0…4 before them, each once.
    expect(
      takes
        .filter((t) => t.allowed)
        .map((t) => t.recent)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    // The first order leaves the window 60 s after it; the next one on either process passes.
    expect(await b.take('p-burst', 5, T0 + 59_999)).toMatchObject({ allowed: false });
    expect(await a.take('p-burst', 5, T0 + 60_011)).toEqual({ allowed: true, recent: 0 });
    // Another portfolio has its own window.
    expect(await b.take('p-other', 5, T0 + 60_011)).toEqual({ allowed: true, recent: 0 });
  });

  it('keeps no more than the limit per portfolio however many are refused', async () => {
    const { sql, a } = await limiters();
    for (let i = 0; i < 20; i++) await a.take('p-bounded', 3, T0 + i);
    const { rows } = await sql.query<{ n: number }>(
      `select cardinality(times) as n from order_rate_windows where portfolio_id = 'p-bounded'`,
    );
    expect(Number(rows[0]!.n)).toBe(3);
    // The first (T0) leaves the window at T0 + 60 s: one slot frees.
    expect((await a.take('p-bounded', 3, T0 + 59_999)).allowed).toBe(false);
    expect(await a.take('p-bounded', 3, T0 + 60_000)).toEqual({ allowed: true, recent: 2 });
  });
});

describe('orders per minute - the database away', () => {
  it("falls back to the process's own count and says so", async () => {
    const errors: unknown[] = [];
    const dead = createSqlOrderRateLimiter({
      sql: { query: () => Promise.reject(new Error('connection refused')) } as unknown as Sql,
      onError: (error) => errors.push(error),
    });
    const takes = [];
    for (let i = 0; i < 3; i++) takes.push(await dead.take('p-down', 2, T0 + i));
    expect(takes.map((t) => t.allowed)).toEqual([true, true, false]);
    expect(errors).toHaveLength(3);
  });
});
