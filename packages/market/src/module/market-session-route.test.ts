/**
 * A market's listing and session through the markets routes in-process (issue 49): a share names
 * its exchange, currency and its exchange's session at the route's clock; a pair is always open;
 * an unknown symbol is 404 MARKET_SYMBOL_NOT_FOUND.
 */
import { isTicklineError, type RequestAuth } from '@tickline/kernel';
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedTimeToUtc } from '../calendars/zoned-time.ts';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import { marketRoutes } from './market-routes.ts';
import { testMarketView } from './market-view.test-support.ts';

/** Friday 2026-11-27, 11:00 in New York: the early close at 13:00; Saturday in Seoul. */
const NOW = zonedTimeToUtc('2026-11-27', '11:00', 'America/New_York');
const ny = (date: string, time: string) => zonedTimeToUtc(date, time, 'America/New_York');
const auth = { authenticate: async () => undefined } as unknown as RequestAuth<FastifyRequest>;

describe('market routes - listing and session', () => {
  let sql: Sql;
  let app: FastifyInstance;

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
    app = Fastify({ logger: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(async (error, _request, reply) => {
      if (!isTicklineError(error)) throw error;
      return reply
        .status(error.code === 'MARKET_SYMBOL_NOT_FOUND' ? 404 : 500)
        .send({ error: { code: error.code } });
    });
    await app.register(
      marketRoutes({
        view: testMarketView(sql),
        auth,
        symbols: ['AAPL.US', '005930.KS', 'BTC-USDT'],
        now: () => NOW,
      }),
      { prefix: '/api/v1' },
    );
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await sql?.close();
  });

  const get = (url: string) => app.inject({ url: `/api/v1${url}` });

  it('session - a share answers its exchange, currency and session; a pair is always open', async () => {
    const aapl = await get('/markets/AAPL.US');
    expect(aapl.statusCode, aapl.body).toBe(200);
    expect(aapl.json().market).toMatchObject({
      symbol: 'AAPL.US',
      configured: true,
      listing: { exchange: 'US', name: 'NYSE / Nasdaq', currency: 'USD', timeZone: 'America/New_York' },
      session: {
        state: 'early-close',
        closesAt: ny('2026-11-27', '13:00'),
        special: 'Day after Thanksgiving',
      },
    });
    const list = (await get('/markets')).json().markets as Array<Record<string, any>>;
    const bySymbol = Object.fromEntries(list.map((m) => [m.symbol, m]));
    expect(bySymbol['005930.KS']).toMatchObject({
      listing: { exchange: 'KS', currency: 'KRW' },
      session: { state: 'closed', nextOpen: zonedTimeToUtc('2026-11-30', '09:00', 'Asia/Seoul') },
    });
    expect(bySymbol['BTC-USDT']).toMatchObject({ listing: null, session: { state: 'always-open' } });
  });

  it('session - a symbol neither configured nor stored is 404', async () => {
    const res = await get('/markets/MSFT.US');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('MARKET_SYMBOL_NOT_FOUND');
  });
});
