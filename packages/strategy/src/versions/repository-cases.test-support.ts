/** @module The repository's test cases, run against PGlite (unit) and PostgreSQL (int). */
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeCipher } from './code-cipher.ts';
import { migrateForStrategy } from '../testing/strategy-migrations.ts';
import { StrategyRepository } from './strategy-repository.ts';

const key = (): string => randomBytes(32).toString('base64');

export function runRepositoryCases(name: string, open: () => Promise<Sql>): void {
  describe(`strategy repository - ${name}`, () => {
    let sql: Sql;
    const keys = { k1: key(), k2: key() };
    const now = new Date('2026-01-01T00:00:00Z');
    const alice = uuidv7();
    const bob = uuidv7();
    /** Owns only the re-seal case's strategy, so the other cases' lists stay theirs. */
    const carol = uuidv7();

    beforeAll(async () => {
      sql = await open();
      await migrateForStrategy(sql);
      for (const [id, email] of [
        [alice, `alice-${alice}@example.com`],
        [bob, `bob-${bob}@example.com`],
        [carol, `carol-${carol}@example.com`],
      ] as const) {
        await sql.query(
          `insert into users (id, email, role, tier, status, created_at, updated_at) values ($1, $2, 'user', 'free', 'active', $3, $3)`,
          [id, email, now],
        );
      }
    }, 120_000);
    afterAll(() => sql?.close());

    it('re-seals versions of an old key under the current one; they read without the old key', async () => {
      const old = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k2' }));
      const s = await old.createStrategy({ id: uuidv7(), userId: carol, name: 'reseal', now });
      for (const n of [1, 2, 3])
        await old.saveVersion({
          userId: carol,
          strategyId: s.id,
          source: `// SEALED-${n}`,
          js: `js${n}`,
          language: 'javascript',
          params: {},
          now,
        });
      const rotated = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      // Batches of two: every version is moved, then nothing is left.
      let moved = 0;
      for (let n = -1; n !== 0; moved += n) n = await rotated.resealBatch(2);
      expect(moved).toBeGreaterThanOrEqual(3);
      expect((await rotated.listVersions(carol, s.id)).map((v) => v.keyId)).toEqual(['k1', 'k1', 'k1']);
      const withoutOld = new StrategyRepository(
        sql,
        createCodeCipher({ keys: { k1: keys.k1 }, currentKeyId: 'k1' }),
      );
      expect((await withoutOld.getVersion(carol, s.id, 2)).source).toBe('// SEALED-2');
    });

    it('saves immutable, numbered versions with the code encrypted at rest', async () => {
      const repo = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      const s = await repo.createStrategy({ id: uuidv7(), userId: alice, name: 'cross', now });
      const v1 = await repo.saveVersion({
        userId: alice,
        strategyId: s.id,
        source: 'const a: number = 1; // SECRET-1',
        js: 'js1',
        language: 'typescript',
        params: {},
        now,
      });
      const v2 = await repo.saveVersion({
        userId: alice,
        strategyId: s.id,
        source: 'const b = 2; // SECRET-2',
        js: 'js2',
        language: 'javascript',
        params: { n: { type: 'int', default: 3 } },
        now,
      });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect((await repo.getStrategy(alice, s.id)).latestVersion).toBe(2);
      expect((await repo.getVersion(alice, s.id, 1)).source).toContain('SECRET-1');
      expect(await repo.getVersion(alice, s.id)).toMatchObject({
        version: 2,
        js: 'js2',
        params: { n: { type: 'int', default: 3 } },
      });
      expect((await repo.listVersions(alice, s.id)).map((v) => v.version)).toEqual([1, 2]);
      // The stored bytes do not contain the code
      const { rows } = await sql.query<{ ciphertext: Uint8Array }>(
        'select ciphertext from strategy_versions where strategy_id = $1',
        [s.id],
      );
      for (const r of rows) expect(Buffer.from(r.ciphertext).toString('latin1')).not.toContain('SECRET');
      // and a version cannot be changed
      await expect(
        sql.query('update strategy_versions set language = $1 where strategy_id = $2', ['javascript', s.id]),
      ).rejects.toThrow();
    });

    it('keeps old versions readable after a key rotation, and refuses unknown keys and tampering', async () => {
      const before = new StrategyRepository(
        sql,
        createCodeCipher({ keys: { k1: keys.k1 }, currentKeyId: 'k1' }),
      );
      const s = await before.createStrategy({ id: uuidv7(), userId: alice, name: 'rotated', now });
      await before.saveVersion({
        userId: alice,
        strategyId: s.id,
        source: 'old',
        js: 'old',
        language: 'javascript',
        params: {},
        now,
      });
      // Rotate: k2 becomes current, k1 stays for reading
      const after = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k2' }));
      const v2 = await after.saveVersion({
        userId: alice,
        strategyId: s.id,
        source: 'new',
        js: 'new',
        language: 'javascript',
        params: {},
        now,
      });
      expect(v2.keyId).toBe('k2');
      expect((await after.getVersion(alice, s.id, 1)).source).toBe('old');
      expect((await after.getVersion(alice, s.id, 2)).source).toBe('new');
      await expect(before.getVersion(alice, s.id, 2)).rejects.toMatchObject({ code: 'STRATEGY_KEY_UNKNOWN' });
      // Moving version 2's ciphertext onto version 1 fails authentication (bound to its row)
      await sql.query('drop trigger strategy_versions_no_update on strategy_versions');
      await sql.query(
        `update strategy_versions set key_id = 'k2', nonce = (select nonce from strategy_versions where strategy_id = $1 and version = 2),
         ciphertext = (select ciphertext from strategy_versions where strategy_id = $1 and version = 2) where strategy_id = $1 and version = 1`,
        [s.id],
      );
      await sql.query(
        'create trigger strategy_versions_no_update before update on strategy_versions for each row execute function strategy_versions_immutable()',
      );
      await expect(after.getVersion(alice, s.id, 1)).rejects.toMatchObject({ code: 'STRATEGY_CODE_CORRUPT' });
    });

    it("lists several strategies' versions in one statement, only the user's own", async () => {
      const repo = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      const version = (strategyId: string, userId = alice) =>
        repo.saveVersion({
          userId,
          strategyId,
          source: 'x',
          js: 'x',
          language: 'javascript',
          params: {},
          now,
        });
      const a = await repo.createStrategy({ id: uuidv7(), userId: alice, name: 'a', now });
      const b = await repo.createStrategy({ id: uuidv7(), userId: alice, name: 'b', now });
      const theirs = await repo.createStrategy({ id: uuidv7(), userId: bob, name: 'theirs', now });
      await version(a.id);
      await version(a.id);
      await version(b.id);
      await version(theirs.id, bob);
      const byStrategy = await repo.listVersionsOf(alice, [a.id, b.id, theirs.id]);
      expect([...byStrategy.entries()].map(([id, versions]) => [id, versions.map((v) => v.version)])).toEqual(
        [
          [a.id, [1, 2]],
          [b.id, [1]],
          [theirs.id, []],
        ],
      );
      expect((await repo.listVersionsOf(alice, [])).size).toBe(0);
      await repo.deleteStrategy(bob, theirs.id); // the next case expects bob to have none
    });

    it("reads several strategies in one statement, only the user's own", async () => {
      const repo = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      const a = await repo.createStrategy({ id: uuidv7(), userId: alice, name: 'a', now });
      const theirs = await repo.createStrategy({ id: uuidv7(), userId: bob, name: 'theirs', now });
      const found = await repo.strategiesOf(alice, [a.id, theirs.id, 'not-a-uuid']);
      expect([...found.values()].map((s) => s.name)).toEqual(['a']);
      expect((await repo.strategiesOf(alice, [])).size).toBe(0);
      await repo.deleteStrategy(bob, theirs.id);
      await repo.deleteStrategy(alice, a.id);
    });

    it("hides other users' strategies, versions and runs", async () => {
      const repo = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      const s = await repo.createStrategy({ id: uuidv7(), userId: alice, name: 'private', now });
      await repo.saveVersion({
        userId: alice,
        strategyId: s.id,
        source: 'x',
        js: 'x',
        language: 'javascript',
        params: {},
        now,
      });
      const run = await repo.createRun({
        id: uuidv7(),
        userId: alice,
        strategyId: s.id,
        version: 1,
        request: {},
        now,
      });
      await expect(repo.getStrategy(bob, s.id)).rejects.toMatchObject({ code: 'STRATEGY_NOT_FOUND' });
      await expect(repo.getVersion(bob, s.id, 1)).rejects.toMatchObject({ code: 'STRATEGY_NOT_FOUND' });
      await expect(
        repo.saveVersion({
          userId: bob,
          strategyId: s.id,
          source: 'y',
          js: 'y',
          language: 'javascript',
          params: {},
          now,
        }),
      ).rejects.toMatchObject({
        code: 'STRATEGY_NOT_FOUND',
      });
      await expect(repo.getRun(bob, run.id)).rejects.toMatchObject({ code: 'STRATEGY_NOT_FOUND' });
      await expect(
        repo.createRun({ id: uuidv7(), userId: bob, strategyId: s.id, version: 1, request: {}, now }),
      ).rejects.toMatchObject({
        code: 'STRATEGY_NOT_FOUND',
      });
      expect(await repo.listStrategies(bob)).toEqual([]);
      await expect(repo.deleteStrategy(bob, s.id)).rejects.toMatchObject({ code: 'STRATEGY_NOT_FOUND' });
    });

    it('records a run from queued to succeeded with its result, and counts runs for quotas', async () => {
      const repo = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      const s = await repo.createStrategy({ id: uuidv7(), userId: bob, name: 'runs', now });
      await repo.saveVersion({
        userId: bob,
        strategyId: s.id,
        source: 'x',
        js: 'x',
        language: 'javascript',
        params: {},
        now,
      });
      const run = await repo.createRun({
        id: uuidv7(),
        userId: bob,
        strategyId: s.id,
        version: 1,
        request: { symbol: 'BTC-USDT' },
        now,
      });
      expect(await repo.runCounts(bob, now)).toEqual({ since: 1, active: 1 });
      await repo.markRunning(run.id, now);
      await repo.setProgress(run.id, 0.5);
      expect(await repo.getRun(bob, run.id)).toMatchObject({ status: 'running', progress: 0.5 });
      const result = {
        metrics: { totalReturn: 0.1 } as never,
        trades: [],
        tradesTruncated: false,
        equity: [[1, 2]] as Array<[number, number]>,
        logs: [],
        plots: [],
        bars: 10,
      };
      await repo.completeRun(run.id, result, now);
      expect(await repo.getRun(bob, run.id)).toMatchObject({
        status: 'succeeded',
        progress: 1,
        request: { symbol: 'BTC-USDT' },
      });
      expect(await repo.getResult(bob, run.id)).toEqual(result);
      expect(await repo.runCounts(bob, now)).toEqual({ since: 1, active: 0 });
      const failed = await repo.createRun({
        id: uuidv7(),
        userId: bob,
        strategyId: s.id,
        version: 1,
        request: {},
        now,
      });
      await repo.failRun(failed.id, { code: 'STRATEGY_CPU_LIMIT', message: 'too slow' }, now);
      expect((await repo.getRun(bob, failed.id)).error).toEqual({
        code: 'STRATEGY_CPU_LIMIT',
        message: 'too slow',
      });
      expect((await repo.listRuns(bob)).map((r) => r.id)).toEqual([failed.id, run.id].sort().reverse());
      await repo.deleteStrategy(bob, s.id);
      await expect(repo.getRun(bob, run.id)).rejects.toMatchObject({ code: 'STRATEGY_NOT_FOUND' });
    });

    it('holds the strategy quota under a burst: 10 parallel creations against a limit of 3 store 3', async () => {
      const repo = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      const dave = uuidv7();
      await sql.query(
        `insert into users (id, email, role, tier, status, created_at, updated_at) values ($1, $2, 'user', 'free', 'active', $3, $3)`,
        [dave, `dave-${dave}@example.com`, now],
      );
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          repo.createStrategyWithinQuota({ id: uuidv7(), userId: dave, name: `s${i}`, now }, 3),
        ),
      );
      expect(created.filter((s) => s !== undefined)).toHaveLength(3);
      expect(await repo.countStrategies(dave)).toBe(3);
    });

    it('holds the run quotas under a burst of concurrent requests', async () => {
      const repo = new StrategyRepository(sql, createCodeCipher({ keys, currentKeyId: 'k1' }));
      const carol = uuidv7();
      await sql.query(
        `insert into users (id, email, role, tier, status, created_at, updated_at) values ($1, $2, 'user', 'free', 'active', $3, $3)`,
        [carol, `carol-${carol}@example.com`, now],
      );
      const s = await repo.createStrategy({ id: uuidv7(), userId: carol, name: 'burst', now });
      await repo.saveVersion({
        userId: carol,
        strategyId: s.id,
        source: 'x',
        js: 'x',
        language: 'javascript',
        params: {},
        now,
      });
      const burst = (n: number, quota: { perDay: number; concurrent: number }) =>
        Promise.all(
          Array.from({ length: n }, () =>
            repo.createRunWithinQuota(
              { id: uuidv7(), userId: carol, strategyId: s.id, version: 1, request: {}, now },
              { since: now, ...quota },
            ),
          ),
        );
      // Given a limit of 3 concurrent runs, when 12 requests arrive at once, then exactly 3 get in
      const first = await burst(12, { perDay: 100, concurrent: 3 });
      expect(first.filter((r) => 'run' in r)).toHaveLength(3);
      expect(first.filter((r) => 'exceeded' in r && r.exceeded === 'concurrent')).toHaveLength(9);
      expect(await repo.runCounts(carol, now)).toEqual({ since: 3, active: 3 });
      // Given those three finished and 5 runs a day, when 12 more arrive at once, then 2 get in
      for (const r of first) if ('run' in r) await repo.failRun(r.run.id, { code: 'X', message: 'x' }, now);
      const second = await burst(12, { perDay: 5, concurrent: 100 });
      expect(second.filter((r) => 'run' in r)).toHaveLength(2);
      expect(second.filter((r) => 'exceeded' in r && r.exceeded === 'perDay')).toHaveLength(10);
      expect(await repo.runCounts(carol, now)).toEqual({ since: 5, active: 2 });
    });
  });
}
