/**
 * Finding 46.8 through GraphQL: one request of aliased `createStrategyVersion` mutations against
 * the real strategy host (PGlite, sandbox compiles) stores no more versions than the tier keeps.
 */
import { requestAuth, type IdentityHost } from '@tickline/identity';
import { createMetricsRegistry, silentLogger, systemClock } from '@tickline/kernel';
import {
  createStrategyTestApp,
  StrategySettingsSchema,
  type StrategyTestApp,
} from '@tickline/strategy/internal';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlSchema } from '../config.ts';
import { createGraphqlHost } from '../module/graphql-host.ts';
import { graphqlRoutes } from '../module/graphql-routes.ts';

const SOURCE = 'export default defineStrategy({ onCandle() {} });';
const MAX_VERSIONS = 2;

let t: StrategyTestApp;
let app: FastifyInstance;

beforeAll(async () => {
  const defaults = StrategySettingsSchema.parse(undefined);
  t = await createStrategyTestApp({
    settings: {
      tiers: { ...defaults.tiers, free: { ...defaults.tiers.free, maxVersionsPerStrategy: MAX_VERSIONS } },
    },
  });
  const host = createGraphqlHost({
    identity: { auth: requestAuth(t.identity), identity: t.identity } as unknown as IdentityHost,
    strategy: t.host,
    settings: GraphqlSchema.parse({}),
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    clock: systemClock,
  });
  app = Fastify();
  await app.register(graphqlRoutes(host.settings, host.ports), { prefix: '/api/v1' });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('graphql - strategy versions', () => {
  it('aliased createStrategyVersion mutations in one request store no more than the tier keeps', async () => {
    const { auth, userId } = await t.user();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/strategies',
      headers: auth,
      payload: { name: 'aliased', source: SOURCE, language: 'javascript' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ strategy: { id: string } }>().strategy.id;
    const aliases = Array.from(
      { length: 5 },
      (_, i) =>
        `v${i}: createStrategyVersion(strategyId: "${id}", source: ${JSON.stringify(`${SOURCE} // ${i}`)}, language: "javascript") { version }`,
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/graphql',
      headers: auth,
      payload: { query: `mutation { ${aliases.join('\n')} }` },
    });
    const body = res.json<{
      data?: Record<string, { version: number } | null>;
      errors?: Array<{ extensions?: { code?: string } }>;
    }>();
    const saved = Object.values(body.data ?? {}).filter((v) => v !== null);
    // The first version came with the strategy: one more fits.
    expect(saved.map((v) => v?.version)).toEqual([2]);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(Array(4).fill('STRATEGY_QUOTA_VERSIONS'));
    expect((await t.host.repository.listVersions(userId, id)).length).toBe(MAX_VERSIONS);
  }, 60_000);
});
