/**
 * The data-version and corporate-action routes in-process (issue 49): a symbol's versions, candles
 * adjusted and as of a version, actions listed by anyone, stored and fetched from the Alpaca mock
 * by an admin only; bad input is a 400 that stores nothing, a symbol without a provider a 409.
 */
import { isTicklineError, listErrorCodes, TicklineError, type Caller, type RequestAuth } from '@tickline/kernel';
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_MIGRATIONS_DIR, MarketSchema } from '../config.ts';
import { importCandles } from '../storage/candle-history.ts';
import { AlpacaMock } from '../sources/testing/alpaca-mock.ts';
import { corporateActionProvider } from './corporate-action-provider.ts';
import { marketRoutes } from './market-routes.ts';
import { testMarketView } from './market-view.test-support.ts';

/** Daily bars of AAPL.US from 2020-08-27: 500 before the 4-for-1 split of 2020-08-31, 125 after. */
const bar = (day: number, price: number) => {
  const openTime = Date.UTC(2020, 7, day, 13, 30);
  return {
    exchange: 'alpaca',
    symbol: 'AAPL.US',
    interval: '1d' as const,
    openTime,
    closeTime: openTime + 6.5 * 3_600_000,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: 100,
    quoteVolume: 100 * price,
    trades: 10,
    incomplete: false,
    revision: 0,
  };
};

/** Requests name their role in `x-role`; `admin` passes the admin check. */
const auth: RequestAuth<FastifyRequest> = {
  authenticate: async (request) => {
    if (request.headers['x-role'] === undefined) throw new TicklineError('AUTH_UNAUTHENTICATED', 'sign in');
  },
  caller: (request) => ({ userId: 'u', role: request.headers['x-role'] as Caller['role'], kind: 'user' }),
  admin(request) {
    if (request.headers['x-role'] !== 'admin') throw new TicklineError('AUTH_FORBIDDEN', 'admins only');
    return this.caller(request);
  },
  authorize: async () => undefined,
};
const STATUS: Record<string, number> = { AUTH_UNAUTHENTICATED: 401, AUTH_FORBIDDEN: 403 };

describe('market routes - versions and corporate actions', () => {
  let sql: Sql;
  let app: FastifyInstance;
  let mock: AlpacaMock;

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
    await sql.transaction((tx) => importCandles(tx, [bar(27, 500), bar(28, 500), bar(31, 125)], null));
    await sql.transaction((tx) => importCandles(tx, [{ ...bar(31, 125), symbol: '005930.KS', exchange: 'kis' }], null));
    mock = await new AlpacaMock().listen();
    mock.corporateActions.push({
      type: 'forward_split',
      symbol: 'AAPL',
      new_rate: 4,
      old_rate: 1,
      ex_date: '2020-08-31',
      process_date: '2020-08-31',
      record_date: '2020-08-24',
    });
    // The source as `market.sources` configures it (alpaca and kis are kinds of the config too).
    const settings = MarketSchema.parse({
      sources: [
        { kind: 'kis', symbols: ['005930.KS'], appKey: 'k', appSecret: 's' },
        { kind: 'alpaca', symbols: ['AAPL.US'], keyId: 'mock-key', secretKey: 'mock-secret', restUrl: mock.restUrl },
      ],
    });
    const provider = corporateActionProvider(settings.sources);
    expect(provider?.name).toBe('alpaca');
    app = Fastify({ logger: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(async (error, _request, reply) => {
      if (Array.isArray((error as { validation?: unknown }).validation))
        return reply.status(400).send({ error: { code: 'HTTP_BAD_REQUEST', message: (error as Error).message } });
      if (!isTicklineError(error)) throw error;
      const status = STATUS[error.code] ?? listErrorCodes().find((c) => c.code === error.code)?.httpStatus ?? 500;
      return reply.status(status).send({ error: { code: error.code, message: error.message } });
    });
    await app.register(
      marketRoutes({ view: testMarketView(sql), auth, symbols: [], corporateActions: provider }),
      { prefix: '/api/v1' },
    );
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await mock?.close();
    await sql?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, role?: 'admin' | 'user', payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: role ? { 'x-role': role } : {}, ...(payload ? { payload } : {}) });
  const closes = async (query: string) =>
    (await call('GET', `/markets/AAPL.US/candles?interval=1d&from=0&${query}`)).json().candles.map((c: { close: number }) => c.close);

  it('routes - actions are stored by an admin only, bad input stores nothing, reads adjust and pin', async () => {
    const before = (await call('GET', '/markets/AAPL.US/versions')).json().versions;
    expect(before).toEqual([expect.objectContaining({ symbol: 'AAPL.US', kind: 'import', interval: '1d', changed: 3 })]);
    const split = { actions: [{ kind: 'split', exDate: '2020-08-31', ratio: 4 }] };
    expect((await call('POST', '/markets/AAPL.US/corporate-actions', undefined, split)).statusCode).toBe(401);
    expect((await call('POST', '/markets/AAPL.US/corporate-actions', 'user', split)).json().error.code).toBe('AUTH_FORBIDDEN');
    for (const bad of [
      { actions: [{ kind: 'split', exDate: '2020-08-31', ratio: -4 }] },
      { actions: [{ kind: 'split', exDate: '2020-02-30', ratio: 4 }] },
      { actions: [{ kind: 'dividend', exDate: '2020-08-31', ratio: 4 }] },
      { actions: [] },
    ]) {
      const refused = await call('POST', '/markets/AAPL.US/corporate-actions', 'admin', bad);
      expect([refused.statusCode, refused.json().error.code], JSON.stringify(bad)).toEqual([400, 'HTTP_BAD_REQUEST']);
    }
    expect((await call('GET', '/markets/AAPL.US/corporate-actions')).json().actions).toEqual([]);
    const stored = await call('POST', '/markets/AAPL.US/corporate-actions', 'admin', split);
    expect(stored.json()).toMatchObject({ symbol: 'AAPL.US', duplicates: 0, stored: [{ status: 'applied', ratio: 4 }] });
    expect(await closes('adjust=split')).toEqual([125, 125, 125]);
    expect(await closes('adjust=none')).toEqual([500, 500, 125]);
    // As of the import (before the action), the adjusted read is raw; asOf and asOfTime together are a 400.
    expect(await closes(`adjust=split&asOf=${before[0].id}`)).toEqual([500, 500, 125]);
    expect((await call('GET', `/markets/AAPL.US/candles?interval=1d&asOf=1&asOfTime=1`)).statusCode).toBe(400);
    // Indicators read the same adjusted prices: a 2-day SMA across the split sees no cliff.
    const sma = async (adjust: string) =>
      (await call('GET', `/markets/AAPL.US/indicators?name=sma&period=2&interval=1d&from=0&adjust=${adjust}`))
        .json()
        .points.map((p: { value: number | null }) => p.value);
    expect(await sma('split')).toEqual([null, 125, 125]);
    expect(await sma('none')).toEqual([null, 500, 312.5]);
    const versions = (await call('GET', '/markets/AAPL.US/versions')).json().versions;
    expect(versions.map((v: { kind: string }) => v.kind)).toEqual(['corporate-actions', 'import']);
  });

  it('routes - an admin fetches a US share’s actions from Alpaca; a KRX share has no provider (409)', async () => {
    const body = { start: '2020-08-01', end: '2020-09-30' };
    expect((await call('POST', '/markets/AAPL.US/corporate-actions/fetch', 'user', body)).statusCode).toBe(403);
    const fetched = await call('POST', '/markets/AAPL.US/corporate-actions/fetch', 'admin', body);
    // Stored already by the import above: kept as it was.
    expect(fetched.json()).toMatchObject({ symbol: 'AAPL.US', version: null, stored: [], duplicates: 1 });
    const krx = await call('POST', '/markets/005930.KS/corporate-actions/fetch', 'admin', body);
    expect([krx.statusCode, krx.json().error.code]).toEqual([409, 'MARKET_CORPORATE_ACTIONS_UNAVAILABLE']);
    const reversed = await call('POST', '/markets/AAPL.US/corporate-actions/fetch', 'admin', { start: '2020-09-30', end: '2020-08-01' });
    expect(reversed.statusCode).toBe(400);
  });
});
