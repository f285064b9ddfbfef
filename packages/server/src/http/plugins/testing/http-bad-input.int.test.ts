/**
 * The HTTP bad-input table against the real app (hardening plugins, rate limiter, identity's
 * routes, the SSE gateway) over a real database (PGlite, fresh per file): each row gets its 4xx
 * code and changes nothing in any table.
 */
import { createSqlIdentityRepository, DEFAULT_REFRESH_REUSE_GRACE_MS } from '@tickline/identity';
import { createPgliteSql, migrate, type Sql } from '@tickline/store';
import { loadAllMigrations } from '../../../wiring/migrations.ts';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_ROWS } from './bad-input/auth-rows.ts';
import { codeOf, createFixture, post, snapshotDatabase, type BadInputContext } from './bad-input/fixture.ts';
import { HOSTILE_TEXT_ROWS } from './bad-input/hostile-text-rows.ts';
import { REQUEST_ROWS } from './bad-input/request-rows.ts';
import { createTestApi } from './test-api.ts';

describe('http bad input (PGlite)', () => {
  let sql: Sql;
  let ctx: BadInputContext;

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadAllMigrations() });
    const api = await createTestApi({ repository: createSqlIdentityRepository(sql) });
    await api.listen();
    ctx = { api, sql, port: (api.app.server.address() as AddressInfo).port };
  });
  afterAll(async () => {
    await ctx?.api.close();
    await sql?.close();
  });

  const rows = [...REQUEST_ROWS, ...AUTH_ROWS].map(
    ([name, request, status, code]) => [name, status, code, request] as const,
  );
  it.each(rows)('%s → %i %s, database unchanged', async (_name, status, code, request) => {
    const f = await createFixture(ctx);
    const before = await snapshotDatabase(sql);
    expect(before.users?.length).toBeGreaterThan(0);
    const result = await request(ctx, f);
    expect({ status: result.status, code: codeOf(result) }).toEqual({ status, code });
    expect(await snapshotDatabase(sql)).toEqual(before);
  });

  it.each(HOSTILE_TEXT_ROWS)(
    'hostile text - %s: refused unchanged, or stored verbatim',
    async (_name, text, request, expected) => {
      const f = await createFixture(ctx);
      const before = await snapshotDatabase(sql);
      const result = await request(ctx, f, text);
      expect(result.status).toBe(expected.status);
      if ('code' in expected) {
        expect(codeOf(result)).toBe(expected.code);
        expect(await snapshotDatabase(sql)).toEqual(before);
      } else {
        // JSON with nosniff: a browser never runs the echoed text as markup.
        expect(result.headers['content-type']).toMatch(/^application\/json/);
        expect(result.headers['x-content-type-options']).toBe('nosniff');
        await expected.check(ctx, result.body, text, f);
        expect(Object.keys(await snapshotDatabase(sql))).toEqual(Object.keys(before));
      }
    },
  );

  it('refresh - a reused token → 401 AUTH_REFRESH_TOKEN_REUSED; only that session is revoked', async () => {
    const f = await createFixture(ctx);
    const rotated = await post(ctx, '/api/v1/auth/refresh', { refreshToken: f.refreshToken });
    expect(rotated.status).toBe(200);
    // Past the grace period in which a reload or a second tab may present it again.
    ctx.api.clock.advance(DEFAULT_REFRESH_REUSE_GRACE_MS + 1);
    const before = await snapshotDatabase(sql);
    const reused = await post(ctx, '/api/v1/auth/refresh', { refreshToken: f.refreshToken });
    expect({ status: reused.status, code: codeOf(reused) }).toEqual({
      status: 401,
      code: 'AUTH_REFRESH_TOKEN_REUSED',
    });
    const after = await snapshotDatabase(sql);
    // The family is revoked (reuse means theft): only that session's rows may change.
    const { rows } = await sql.query<{ id: string }>('select id from auth_sessions where user_id = $1', [
      f.userId,
    ]);
    const sessionIds = rows.map((r) => r.id);
    for (const table of Object.keys(before)) {
      const changed = after[table]!.filter((row) => !before[table]!.includes(row));
      for (const row of changed)
        expect(
          sessionIds.some((id) => row.includes(id)),
          `${table}: ${row}`,
        ).toBe(true);
      expect(after[table]!.length, table).toBe(before[table]!.length);
    }
    const next = (rotated.body as { refreshToken: string }).refreshToken;
    const afterReuse = await post(ctx, '/api/v1/auth/refresh', { refreshToken: next });
    expect(afterReuse.status).toBe(401);
  });
});
