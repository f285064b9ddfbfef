/**
 * The markets API takes a share symbol (`AAPL.US`, `005930.KS`) in its path as it takes a pair:
 * the market routes in the server's HTTP app (its zod compilers and error shape), over a view that
 * answers only tickers. A malformed symbol is the 400 HTTP_BAD_REQUEST it always was.
 */
import { createMetricsRegistry, ServiceStatus, silentLogger } from '@tickline/kernel';
import { marketRoutes, type MarketView } from '@tickline/market';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../http/app.ts';

const CONFIGURED = ['BTC-USDT', 'AAPL.US', 'BRK.B.US', '005930.KS'];

describe('markets API - share symbols', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = createHttpApp({
      logger: silentLogger,
      metrics: createMetricsRegistry({ processMetrics: false }),
      health: () => ({ eventlog: { status: ServiceStatus.Up } }),
      docs: false,
    });
    // Configured symbols are known without a read; the ticker route reads only `ticker`.
    const view = { ticker: async () => undefined } as unknown as MarketView;
    const auth = {
      authenticate: async () => {
        throw new Error('no caller in this test');
      },
    } as never;
    await app.register(marketRoutes({ view, auth, symbols: CONFIGURED }), { prefix: '/api/v1' });
    await app.ready();
  });
  afterAll(() => app?.close());

  const ticker = (symbol: string) =>
    app.inject({ url: `/api/v1/markets/${encodeURIComponent(symbol)}/ticker` });

  it('markets - a configured share is served like a pair', async () => {
    for (const symbol of CONFIGURED) {
      const res = await ticker(symbol);
      expect(res.statusCode, `${symbol}: ${res.body}`).toBe(200);
      expect(res.json()).toEqual({ symbol, last: null, stats24h: null });
    }
  });

  it('markets - a malformed symbol is refused with the same code as a malformed pair', async () => {
    for (const symbol of ['aapl.us', '5930.KS', 'AAPL.NYSE', 'BTCUSDT']) {
      const res = await ticker(symbol);
      expect(res.statusCode, symbol).toBe(400);
      expect(res.json().error.code, symbol).toBe('HTTP_BAD_REQUEST');
    }
  });
});
