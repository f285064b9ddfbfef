/**
 * @module The stored-code quota's cases (versions per strategy, source bytes per account), run
 * against PGlite (unit) and PostgreSQL (int): bursts of parallel saves store no more than the quota.
 */
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeCipher } from './code-cipher.ts';
import { migrateForStrategy } from '../testing/strategy-migrations.ts';
import { StrategyRepository } from './strategy-repository.ts';
import type { VersionQuota } from './version-queries.ts';

export function runVersionQuotaCases(name: string, open: () => Promise<Sql>): void {
  describe(`strategy versions - the stored-code quota - ${name}`, () => {
    let sql: Sql;
    let repo: StrategyRepository;
    const now = new Date('2026-01-01T00:00:00Z');

    beforeAll(async () => {
      sql = await open();
      await migrateForStrategy(sql);
      repo = new StrategyRepository(
        sql,
        createCodeCipher({ keys: { k: randomBytes(32).toString('base64') }, currentKeyId: 'k' }),
      );
    }, 120_000);
    afterAll(() => sql?.close());

    async function user(): Promise<string> {
      const id = uuidv7();
      await sql.query(
        `insert into users (id, email, role, tier, status, created_at, updated_at) values ($1, $2, 'user', 'free', 'active', $3, $3)`,
        [id, `u-${id}@example.com`, now],
      );
      return id;
    }
    const strategy = async (userId: string) =>
      (await repo.createStrategy({ id: uuidv7(), userId, name: 's', now })).id;
    const save = (userId: string, strategyId: string, source: string, quota?: VersionQuota) =>
      repo.saveVersion({
        userId,
        strategyId,
        source,
        js: source,
        language: 'javascript',
        params: {},
        now,
        ...(quota ? { quota } : {}),
      });
    /** How each of a burst of saves ended: its version, or its error's code. */
    const outcomes = (saves: Array<Promise<{ version: number }>>) =>
      Promise.all(
        saves.map((p) =>
          p.then(
            (v) => v.version,
            (e: { code?: string; message?: string }) => e.code ?? `uncoded: ${e.message}`,
          ),
        ),
      );

    it('12 parallel saves at 3 versions per strategy store 3; the rest are STRATEGY_QUOTA_VERSIONS', async () => {
      const alice = await user();
      const s = await strategy(alice);
      const quota = { maxVersions: 3, maxBytes: 1_000_000 };
      const ended = await outcomes(Array.from({ length: 12 }, (_, i) => save(alice, s, `// v${i}`, quota)));
      expect(ended.filter((o) => typeof o === 'number').sort()).toEqual([1, 2, 3]);
      expect(new Set(ended.filter((o) => typeof o === 'string'))).toEqual(
        new Set(['STRATEGY_QUOTA_VERSIONS']),
      );
      expect((await repo.listVersions(alice, s)).length).toBe(3);
      // Another strategy of the same account has its own count.
      await expect(save(alice, await strategy(alice), '// other', quota)).resolves.toMatchObject({
        version: 1,
      });
    });

    it("parallel saves to two strategies never take the account's source past its bytes", async () => {
      const bob = await user();
      const [a, b] = [await strategy(bob), await strategy(bob)];
      const quota = { maxVersions: 100, maxBytes: 1_000 };
      const source = 'x'.repeat(300);
      const ended = await outcomes(
        Array.from({ length: 10 }, (_, i) => save(bob, i % 2 ? a : b, source, quota)),
      );
      expect(ended.filter((o) => typeof o === 'number').length).toBe(3);
      expect(new Set(ended.filter((o) => typeof o === 'string'))).toEqual(
        new Set(['STRATEGY_QUOTA_CODE_BYTES']),
      );
      const stored = [...(await repo.listVersions(bob, a)), ...(await repo.listVersions(bob, b))];
      expect(stored.reduce((n, v) => n + v.sizeBytes, 0)).toBe(900);
      await expect(save(bob, a, source, quota)).rejects.toMatchObject({
        code: 'STRATEGY_QUOTA_CODE_BYTES',
        details: { limit: 1_000, usedBytes: 900, versionBytes: 300 },
      });
      // A smaller version still fits; deleting a strategy gives its bytes back.
      await expect(save(bob, a, 'y'.repeat(100), quota)).resolves.toBeDefined();
      await repo.deleteStrategy(bob, b);
      await expect(save(bob, a, source, quota)).resolves.toBeDefined();
      // Another account's bytes are its own.
      const carol = await user();
      await expect(save(carol, await strategy(carol), 'z'.repeat(900), quota)).resolves.toBeDefined();
    });
  });
}
