import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteSql } from '../pglite/pglite-sql.ts';
import type { Sql } from '../port/sql.ts';
import { checkCorpus, isPreparable, normalizeStatement } from './release-corpus.ts';

describe('release queries - corpus', () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await sql.exec('create table accounts (id text primary key, name text not null, balance numeric)');
  });
  afterAll(() => sql.close());

  it('release queries - statements are kept on one line, and only those PREPARE takes', () => {
    expect(normalizeStatement('\n  select a,\n   b from t ;\n')).toBe('select a, b from t');
    expect(
      ['select 1', 'WITH x as (select 1) select * from x', 'insert into t values ($1)'].map(isPreparable),
    ).toEqual([true, true, true]);
    expect(
      ['create table t (a int)', 'begin', 'select pg_sleep(0); select 1', 'lock table t'].map(isPreparable),
    ).toEqual([false, false, false, false]);
  });

  it('release queries - a statement the schema still answers passes; a renamed column fails with its error', async () => {
    const corpus = [
      'select id, name from accounts where id = $1',
      'insert into accounts (id, name) values ($1, $2)',
      'update accounts set balance = balance + $2 where id = $1',
    ];
    expect(await checkCorpus(sql, corpus)).toEqual([]);

    await sql.exec('alter table accounts rename column name to display_name');
    expect(await checkCorpus(sql, corpus)).toEqual([
      {
        statement: corpus[0],
        message: expect.stringContaining('column "name" does not exist') as string,
        sqlState: '42703',
      },
      {
        statement: corpus[1],
        message: expect.stringContaining('column "name" of relation "accounts" does not exist') as string,
        sqlState: '42703',
      },
    ]);
    // Nothing stays prepared: a later check reuses the statement name.
    expect(await checkCorpus(sql, [corpus[2]!])).toEqual([]);
  });

  it('release queries - a retyped column fails where the old statement no longer plans', async () => {
    await sql.exec('create table fills (id int, price numeric)');
    const corpus = ['select sum(price) from fills where price > $1'];
    expect(await checkCorpus(sql, corpus)).toEqual([]);
    await sql.exec('alter table fills alter column price type text');
    expect(await checkCorpus(sql, corpus)).toMatchObject([{ statement: corpus[0], sqlState: '42883' }]);
  });
});
