/** @module Contract cases: transactions commit, roll back, refuse late use, and serialize. */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { isStoreQueryError } from '../errors.ts';
import type { SqlTx } from '../port/sql.ts';
import type { SqlSubject } from './sql-subject.ts';

export function transactionCases(subject: SqlSubject): void {
  const ids = async (): Promise<number[]> =>
    (await subject().query<{ id: number }>('select id from t order by id')).rows.map((r) => r.id);

  it('transaction - commits the callback writes and returns its value', async () => {
    const sql = subject();
    await sql.exec('create table t (id int primary key)');
    const value = await sql.transaction(async (tx) => {
      await tx.query('insert into t values (1), (2)');
      return (await tx.query<{ n: number }>('select count(*) as n from t')).rows[0]!.n;
    });
    expect(value).toBe(2);
    expect(await ids()).toEqual([1, 2]);
  });

  it('transaction - a throwing callback rolls back and rethrows the same error', async () => {
    const sql = subject();
    await sql.exec('create table t (id int primary key)');
    const failure = new Error('callback failed');
    await expect(
      sql.transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await ids()).toEqual([]);
  });

  it('transaction - a swallowed statement error still rolls back, reported at commit (25P02)', async () => {
    const sql = subject();
    await sql.exec('create table t (id int primary key)');
    const error = await sql
      .transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        await tx.query('insert into t values (1)').catch(() => undefined);
      })
      .catch((e: unknown) => e);
    expect(error).toSatisfy(isStoreQueryError);
    expect((error as { details: unknown }).details).toMatchObject({ sqlState: '25P02' });
    expect(await ids()).toEqual([]);
  });

  it('transaction - the handle refuses statements once the callback has settled', async () => {
    const sql = subject();
    let leaked: SqlTx | undefined;
    await sql.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('select 1')).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
  });

  it('transaction - concurrent read-modify-write transactions serialize (no lost update)', async () => {
    const sql = subject();
    await sql.exec('create table counter (n int not null); insert into counter values (0);');
    const increment = () =>
      sql.transaction(async (tx) => {
        const n = (await tx.query<{ n: number }>('select n from counter for update')).rows[0]!.n;
        await sleep(2); // widen the window a lost update needs
        await tx.query('update counter set n = $1', [n + 1]);
      });
    await Promise.all(Array.from({ length: 10 }, increment));
    expect((await sql.query('select n from counter')).rows).toEqual([{ n: 10 }]);
  });

  it('transaction - a failing transaction among concurrent ones rolls back alone', async () => {
    const sql = subject();
    await sql.exec('create table t (id int primary key)');
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((id) =>
        sql.transaction(async (tx) => {
          await tx.query('insert into t values ($1)', [id]);
          await sleep(1);
          if (id === 3) throw new Error('third fails');
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await ids()).toEqual([1, 2, 4, 5]);
  });

  it('transaction - statements outside never see half of a transaction', async () => {
    const sql = subject();
    await sql.exec('create table t (id int primary key)');
    let firstWritten!: () => void;
    const written = new Promise<void>((resolve) => (firstWritten = resolve));
    const tx = sql.transaction(async (t) => {
      await t.query('insert into t values (1)');
      firstWritten();
      await sleep(30);
      await t.query('insert into t values (2)');
    });
    await written;
    // PostgreSQL answers at once (0 rows: not committed); PGlite queues it behind the commit (2).
    const outside = await sql.query<{ n: number }>('select count(*) as n from t');
    await tx;
    expect([0, 2]).toContain(outside.rows[0]!.n);
    expect(await ids()).toEqual([1, 2]);
  });
}
