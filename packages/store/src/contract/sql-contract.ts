/**
 * @module The `Sql` contract: one suite, written once, run against every adapter (PGlite in its
 * worker, PostgreSQL on a real server). It covers values, statements and errors here, and
 * transactions, migrations, the projection helper and bulk inserts in the sibling case files.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isStoreClosedError } from '../errors.ts';
import type { Sql } from '../port/sql.ts';
import { bulkCases } from './bulk-cases.ts';
import { migrationCases } from './migration-cases.ts';
import { projectionCases } from './projection-cases.ts';
import { transactionCases } from './transaction-cases.ts';
import { valueCases } from './value-cases.ts';
import type { SqlSubject } from './sql-subject.ts';

/** Options for {@link runSqlContract}. */
export interface SqlContractOptions {
  /** Opens the handle the whole suite shares (opening PGlite takes seconds). Its database is wiped. */
  open: () => Promise<Sql>;
  /** @default 60_000 */
  openTimeoutMs?: number;
}

export type { SqlSubject } from './sql-subject.ts';

/** Registers the contract suite for one adapter. The suite owns the schema `public`. */
export function runSqlContract(adapter: string, options: SqlContractOptions): void {
  describe(`sql contract - ${adapter}`, () => {
    let sql: Sql | undefined;
    beforeAll(async () => {
      sql = await options.open();
    }, options.openTimeoutMs ?? 60_000);
    afterAll(async () => {
      await sql?.close();
    });
    beforeEach(async () => {
      await sql!.exec('drop schema if exists public cascade; create schema public');
    });
    const subject: SqlSubject = () => sql!;

    valueCases(subject);
    transactionCases(subject);
    migrationCases(subject);
    projectionCases(subject);
    bulkCases(subject);

    // Last: it closes the shared handle.
    it('close - waits for running work, then refuses new statements with STORE_CLOSED', async () => {
      const db = subject();
      const running = db.transaction(async (tx) => {
        await tx.query('select pg_sleep(0.05)');
        return 'finished';
      });
      const closing = db.close();
      expect(await running).toBe('finished');
      await closing;
      await expect(db.query('select 1')).rejects.toSatisfy(isStoreClosedError);
      expect((await db.health()).connected).toBe(false);
      await db.close(); // idempotent
    });
  });
}
