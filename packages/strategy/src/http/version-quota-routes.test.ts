/**
 * Finding 46.8 over REST (in-process routes, PGlite, sandbox compiles): a version past the tier's
 * versions per strategy or stored source bytes is 403 with its code and stores nothing — a new
 * strategy whose first version does not fit is not created either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrategySettingsSchema } from '../module/strategy-settings.ts';
import { createStrategyTestApp, type StrategyTestApp } from '../testing/strategy-test-app.ts';

const source = (padding: number) =>
  `export default defineStrategy({ onCandle() {} });\n//${'x'.repeat(padding)}`;

let t: StrategyTestApp;

beforeAll(async () => {
  const defaults = StrategySettingsSchema.parse(undefined);
  t = await createStrategyTestApp({
    settings: {
      tiers: {
        ...defaults.tiers,
        free: { ...defaults.tiers.free, maxVersionsPerStrategy: 2, maxStoredCodeBytes: 4_096 },
      },
    },
  });
}, 120_000);
afterAll(() => t?.close());

describe('strategy routes - stored code per tier', () => {
  it('a version past the limits is 403 with its code, and a strategy that does not fit is not created', async () => {
    const { auth } = await t.user();
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth, payload });
    const created = await post('/strategies', { name: 'a', source: source(1_000), language: 'javascript' });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ strategy: { id: string } }>().strategy.id;
    expect(
      (await post(`/strategies/${id}/versions`, { source: source(10), language: 'javascript' })).statusCode,
    ).toBe(201);
    const third = await post(`/strategies/${id}/versions`, { source: source(10), language: 'javascript' });
    expect(third.statusCode).toBe(403);
    expect(third.json()).toMatchObject({ error: { code: 'STRATEGY_QUOTA_VERSIONS', details: { limit: 2 } } });

    const big = await post('/strategies', { name: 'b', source: source(3_500), language: 'javascript' });
    expect(big.statusCode).toBe(403);
    expect(big.json()).toMatchObject({
      error: { code: 'STRATEGY_QUOTA_CODE_BYTES', details: { limit: 4_096 } },
    });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/strategies', headers: auth });
    expect(list.json<{ strategies: Array<{ name: string }> }>().strategies.map((s) => s.name)).toEqual(['a']);
  }, 60_000);
});
