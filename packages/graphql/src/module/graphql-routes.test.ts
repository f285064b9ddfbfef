import { createHash } from 'node:crypto';
import { IdentityError } from '@tickline/identity';
import type { Caller, RequestAuth } from '@tickline/kernel';
// Registers live trading's codes (STRATEGY_PORTFOLIO_NOT_FOUND), as the server's strategy module does.
import '@tickline/strategy';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphqlSchema } from '../config.ts';
import type { GraphqlServices } from '../schema/services.ts';
import { graphqlRoutes } from './graphql-routes.ts';

// Identity's port as REST's routes see it: `Bearer <userId>` signs in a user; `X-API-Key:
// <userId>|<scope,scope>` is a key with those scopes.
function fakeAuth(): RequestAuth<FastifyRequest> {
  const callers = new WeakMap<FastifyRequest, Caller>();
  return {
    async authenticate(request) {
      const bearer = request.headers.authorization?.replace(/^Bearer /, '');
      const key = request.headers['x-api-key'];
      if (bearer)
        callers.set(request, { userId: bearer, role: bearer === 'admin' ? 'admin' : 'user', kind: 'user' });
      else if (typeof key === 'string') {
        const [userId = '', scopes = ''] = key.split('|');
        callers.set(request, { userId, role: 'user', kind: 'api_key', scopes: scopes.split(',') });
      } else throw new IdentityError('AUTH_UNAUTHENTICATED', 'credentials required');
    },
    caller(request, scope) {
      const caller = callers.get(request)!;
      if (scope && caller.scopes && !caller.scopes.includes(scope))
        throw new IdentityError('AUTH_FORBIDDEN', `requires scope ${scope}`, {
          details: { required: scope },
        });
      return caller;
    },
    admin(request) {
      return callers.get(request)!;
    },
    // The transport route is public: the resolvers above check callers and scopes.
    async authorize() {},
  };
}

// Paper portfolios as live trading keeps them: a portfolio's id is its owner's user id.
const positionsOf = new Map<string, number>([
  ['u1', 3],
  ['u2', 1],
]);
const calls = { ownerOf: 0, positions: 0, ticker: 0 };
const position = (i: number) => ({
  symbol: i % 2 ? 'ETH-USD' : 'BTC-USD',
  quantity: i + 1,
  averagePrice: 100,
  markPrice: 110,
  realizedPnl: 0,
  unrealizedPnl: 10 * (i + 1),
  fees: 0,
});

let strategyCount = 3;
const strategyReads = { list: 0, versionsOf: 0 };
const created = new Date('2026-01-01T00:00:00Z');

const services: GraphqlServices = {
  auth: fakeAuth(),
  strategies: {
    async list(userId) {
      strategyReads.list++;
      return Array.from({ length: strategyCount }, (_, i) => ({
        id: `s${i}`,
        userId,
        name: `strategy ${i}`,
        description: '',
        latestVersion: 2,
        createdAt: created,
      }));
    },
    async versionsOf(_userId, ids) {
      strategyReads.versionsOf++;
      const version = (strategyId: string, n: number) => ({
        strategyId,
        version: n,
        language: 'typescript',
        sourceSha256: 'ab',
        sizeBytes: 10,
        createdAt: created,
      });
      return new Map(ids.map((id) => [id, [version(id, 1), version(id, 2)]]));
    },
  },
  portfolios: {
    async ownerOf(id) {
      calls.ownerOf++;
      return positionsOf.has(id) ? id : undefined;
    },
    portfoliosOf: async (userId) => (positionsOf.has(userId) ? [userId] : []),
    summary: (id) => ({ id, cash: 1_000, equity: 1_030, dayStartEquity: 1_000 }),
    positions(id) {
      calls.positions++;
      return Array.from({ length: positionsOf.get(id) ?? 0 }, (_, i) => position(i));
    },
  },
  apiKeys: async () =>
    Array.from({ length: 5 }, (_, i) => ({ id: `k${i}`, name: `key ${i}`, prefix: 'tkl_', scopes: [] })),
  market: {
    symbols: () => ['BTC-USD', 'ETH-USD', 'SOL-USD'],
    async ticker(symbol) {
      calls.ticker++;
      return { symbol, last: null, stats24h: null };
    },
  },
};

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(settings: Partial<typeof GraphqlSchema._input> = {}): Promise<FastifyInstance> {
  app = Fastify();
  // As the server's app validates: zod schemas only.
  app.setValidatorCompiler(validatorCompiler);
  await app.register(graphqlRoutes(GraphqlSchema.parse(settings), services), { prefix: '/api/v1' });
  await app.ready();
  return app;
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const server = app ?? (await start());
  const response = await server.inject({
    method: 'POST',
    url: '/api/v1/graphql',
    payload: body as object,
    headers,
  });
  return { status: response.statusCode, body: response.json() };
}

const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

describe('graphql endpoint', () => {
  it('graphql - answers public fields without a credential and pages with cursors', async () => {
    const first = await post({
      query: '{ markets(first: 2) { nodes { symbol } pageInfo { hasNextPage endCursor } } }',
    });
    expect(first.status).toBe(200);
    expect(first.body.data.markets.nodes).toEqual([{ symbol: 'BTC-USD' }, { symbol: 'ETH-USD' }]);
    expect(first.body.data.markets.pageInfo.hasNextPage).toBe(true);
    const after = first.body.data.markets.pageInfo.endCursor as string;
    const next = await post({
      query:
        'query($after: String) { markets(first: 2, after: $after) { nodes { symbol } pageInfo { hasNextPage } } }',
      variables: { after },
    });
    expect(next.body.data.markets).toEqual({
      nodes: [{ symbol: 'SOL-USD' }],
      pageInfo: { hasNextPage: false },
    });
  });

  it('graphql - authenticates per field with the REST codes: a refused field fails alone', async () => {
    const anonymous = await post({ query: '{ me { userId } markets { nodes { symbol } } }' });
    expect(anonymous.status).toBe(200);
    expect(codes(anonymous.body)).toEqual(['AUTH_UNAUTHENTICATED']);
    expect(anonymous.body.errors[0].path).toEqual(['me']);
    expect(anonymous.body.data.markets.nodes).toHaveLength(3);

    const signedIn = await post(
      { query: '{ me { userId kind } apiKeys(first: 1) { nodes { id } } }' },
      {
        authorization: 'Bearer u1',
      },
    );
    expect(signedIn.body.errors).toBeUndefined();
    expect(signedIn.body.data).toEqual({
      me: { userId: 'u1', kind: 'user' },
      apiKeys: { nodes: [{ id: 'k0' }] },
    });
  });

  it("graphql - another user's portfolio is not found, as on REST; the rest of the answer stands", async () => {
    const response = await post(
      { query: '{ mine: portfolio(id: "u1") { id } theirs: portfolio(id: "u2") { id } me { userId } }' },
      { authorization: 'Bearer u1' },
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ mine: { id: 'u1' }, theirs: null, me: { userId: 'u1' } });
    expect(codes(response.body)).toEqual(['STRATEGY_PORTFOLIO_NOT_FOUND']);
    expect(response.body.errors[0].path).toEqual(['theirs']);
  });

  it('graphql - a key without portfolio:read gets AUTH_FORBIDDEN on the portfolio field only', async () => {
    const response = await post(
      { query: '{ portfolios { nodes { id } } me { kind } markets(first: 1) { nodes { symbol } } }' },
      { 'x-api-key': 'u1|market:read' },
    );
    expect(response.status).toBe(200);
    expect(codes(response.body)).toEqual(['AUTH_FORBIDDEN']);
    expect(response.body.errors[0].path).toEqual(['portfolios']);
    expect(response.body.data).toEqual({
      portfolios: null,
      me: { kind: 'api_key' },
      markets: { nodes: [{ symbol: 'BTC-USD' }] },
    });
    const allowed = await post(
      { query: '{ portfolios { nodes { id } } }' },
      { 'x-api-key': 'u1|portfolio:read' },
    );
    expect(allowed.body).toEqual({ data: { portfolios: { nodes: [{ id: 'u1' }] } } });
  });

  it('graphql - the portfolio query reads the books once however many positions it holds', async () => {
    const query = {
      query:
        '{ portfolio(id: "u1") { equity positions { symbol quantity unrealizedPnl ticker { symbol } } } }',
    };
    const reads = async (positions: number) => {
      positionsOf.set('u1', positions);
      Object.assign(calls, { ownerOf: 0, positions: 0, ticker: 0 });
      const response = await post(query, { authorization: 'Bearer u1' });
      expect(response.body.data.portfolio.positions).toHaveLength(positions);
      return { ownerOf: calls.ownerOf, positions: calls.positions };
    };
    expect(await reads(2)).toEqual({ ownerOf: 1, positions: 1 });
    expect(await reads(50)).toEqual({ ownerOf: 1, positions: 1 });
    positionsOf.set('u1', 3);
  });

  it('graphql - strategies with their versions take two reads however many strategies there are', async () => {
    const query = { query: '{ strategies(first: 100) { nodes { name versions { version createdAt } } } }' };
    const reads = async (count: number) => {
      strategyCount = count;
      Object.assign(strategyReads, { list: 0, versionsOf: 0 });
      const response = await post(query, { authorization: 'Bearer u1' });
      expect(response.body.data.strategies.nodes).toHaveLength(count);
      expect(response.body.data.strategies.nodes[0].versions).toEqual([
        { version: 1, createdAt: created.toISOString() },
        { version: 2, createdAt: created.toISOString() },
      ]);
      return { ...strategyReads };
    };
    expect(await reads(3)).toEqual({ list: 1, versionsOf: 1 });
    expect(await reads(60)).toEqual({ list: 1, versionsOf: 1 });
  });

  it('graphql - a query 50 levels deep is refused with GRAPHQL_DEPTH_EXCEEDED', async () => {
    const deep = 'markets { nodes { ticker { last { symbol } } } }';
    let query = '__typename';
    for (let i = 0; i < 25; i++) query = `markets(first: 1) { nodes { ${query} } }`;
    const response = await post({ query: `{ ${query} }` });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_DEPTH_EXCEEDED']);
    expect((await post({ query: `{ ${deep} }` })).body.errors).toBeUndefined();
  });

  it('graphql - 10,000 aliases are refused with GRAPHQL_ALIASES_EXCEEDED before validation', async () => {
    const aliases = Array.from({ length: 10_000 }, (_, i) => `a${i}: ticker(symbol: "BTC-USD") { symbol }`);
    const response = await post({ query: `{ ${aliases.join(' ')} }` });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_ALIASES_EXCEEDED']);
  });

  it('graphql - an operation over the cost limit is refused with GRAPHQL_COST_EXCEEDED', async () => {
    await start({ maxCost: 100 });
    const response = await post({ query: '{ markets(first: 100) { nodes { symbol ticker { symbol } } } }' });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_COST_EXCEEDED']);
    expect((await post({ query: '{ markets(first: 10) { nodes { symbol } } }' })).status).toBe(200);
  });

  it('graphql - introspection off refuses __schema with GRAPHQL_INTROSPECTION_DISABLED, keeps __typename', async () => {
    await start({ introspection: false });
    const response = await post({ query: '{ __schema { types { name } } }' });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_INTROSPECTION_DISABLED']);
    expect((await post({ query: '{ __typename }' })).body.data).toEqual({ __typename: 'Query' });
    expect((await app!.inject({ method: 'GET', url: '/api/v1/graphiql' })).statusCode).toBe(404);
  });

  it('graphql - introspection on by default, GraphiQL served', async () => {
    const response = await post({ query: '{ __schema { queryType { name } } }' });
    expect(response.body.data.__schema.queryType.name).toBe('Query');
    expect((await app!.inject({ method: 'GET', url: '/api/v1/graphiql' })).statusCode).toBe(200);
  });

  it('graphql - a batch over the cap is refused with GRAPHQL_BATCH_EXCEEDED; within it, each answers', async () => {
    await start({ maxBatch: 2 });
    const op = { query: '{ __typename }' };
    const over = await post([op, op, op]);
    expect(over.status).toBe(400);
    expect(codes(over.body)).toEqual(['GRAPHQL_BATCH_EXCEEDED']);
    const within = await post([op, op]);
    expect(within.body).toEqual([{ data: { __typename: 'Query' } }, { data: { __typename: 'Query' } }]);
  });

  it('graphql - accepts automatic persisted queries: a miss is coded, then the hash alone runs', async () => {
    const query = '{ markets(first: 1) { nodes { symbol } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const miss = await post({ extensions });
    expect(codes(miss.body)).toEqual(['GRAPHQL_PERSISTED_QUERY_NOT_FOUND']);
    expect(miss.body.errors[0].message).toBe('PersistedQueryNotFound');
    expect((await post({ query, extensions })).body.data.markets.nodes).toEqual([{ symbol: 'BTC-USD' }]);
    expect((await post({ extensions })).body).toEqual({
      data: { markets: { nodes: [{ symbol: 'BTC-USD' }] } },
    });
  });

  it('graphql - an invalid document answers GRAPHQL_INVALID_QUERY', async () => {
    const response = await post({ query: '{ nope }' });
    expect(response.status).toBe(400);
    expect(codes(response.body)).toEqual(['GRAPHQL_INVALID_QUERY']);
    const missing = await post({ variables: {} });
    expect(missing.status).toBe(400);
    // No query and no hash: mercurius asks for the query as for an unknown persisted one.
    expect(codes(missing.body)).toEqual(['GRAPHQL_PERSISTED_QUERY_NOT_FOUND']);
  });
});
