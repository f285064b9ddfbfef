import { ManualClock } from '@tickline/kernel';
import { startRedis, type RedisServerHandle } from '@tickline/testing';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderDesk, type PortfolioRiskView } from '../broker/order-desk.ts';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import { coreFillModel } from '../paper/core-fill-model.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { KILL_SWITCH_OFF } from './kill-switch.ts';
import { InMemoryOrderRateLimiter, type OrderRateLimiter } from './order-rate-limiter.ts';
import { createRedisOrderRateLimiter } from './redis-order-rate-limiter.ts';
import { RiskLimitsSchema } from './risk-limits.ts';

const T0 = Date.UTC(2026, 0, 1);

/** Two connections to one redis-server: two strategy processes' limiters. */
describe('orders per minute - one count across processes through Redis', () => {
  let redis: RedisServerHandle;
  let first: ReturnType<typeof createClient>;
  let second: ReturnType<typeof createClient>;
  let a: OrderRateLimiter;
  let b: OrderRateLimiter;
  beforeAll(async () => {
    redis = await startRedis();
    first = createClient({ url: redis.url });
    second = createClient({ url: redis.url });
    await first.connect();
    await second.connect();
    a = createRedisOrderRateLimiter({ client: first, keyPrefix: 't:' });
    b = createRedisOrderRateLimiter({ client: second, keyPrefix: 't:' });
  }, 30_000);
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis?.cleanup();
  });

  it('takes exactly the limit when both processes place at once, then again once the window moved', async () => {
    const takes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).take('p-burst', 5, T0 + i)),
    );
    expect(takes.filter((t) => t.allowed)).toHaveLength(5);
    // The refused ones saw the full window.
    expect(takes.filter((t) => !t.allowed).every((t) => t.recent === 5)).toBe(true);
    // The first order leaves the window 60 s after it; the next one on either process passes.
    expect(await b.take('p-burst', 5, T0 + 59_999)).toMatchObject({ allowed: false });
    expect(await a.take('p-burst', 5, T0 + 60_001)).toEqual({ allowed: true, recent: 4 });
    // Another portfolio has its own window.
    expect(await b.take('p-other', 5, T0 + 60_001)).toEqual({ allowed: true, recent: 0 });
  });

  it('two order desks (one per process) refuse the order past the shared limit', async () => {
    const limits = RiskLimitsSchema.parse({ maxOrdersPerMinute: 3 });
    const desk = (limiter: OrderRateLimiter) => {
      const books = new CorePortfolioLedger();
      books.open('p-desk', 1_000_000, []);
      const portfolios: PortfolioRiskView = {
        riskSnapshot: async () => ({ positionQuantity: 0, markPrice: 100, dayStartEquity: 1e6, equity: 1e6 }),
        riskLimits: async () => limits,
        killSwitch: async () => KILL_SWITCH_OFF,
      };
      return new OrderDesk({
        broker: createPaperBroker({
          fillModel: coreFillModel({ makerFee: 0, takerFee: 0, slippage: { kind: 'bps', bps: 0 } }),
          ledger: books,
          symbols: new Set(['BTC-USDT']),
          lastPrice: () => 100,
        }),
        journal: new InMemoryOrderJournal(),
        portfolios,
        clock: new ManualClock(T0 + 120_000),
        emit: () => {},
        orderRate: limiter,
      });
    };
    const [one, two] = [desk(a), desk(b)];
    let n = 0;
    const place = (d: OrderDesk) =>
      d.place({
        portfolioId: 'p-desk',
        clientOrderId: `m${++n}`,
        symbol: 'BTC-USDT',
        side: 'buy',
        type: 'limit',
        price: 90,
        quantity: 1,
        origin: { kind: 'manual', userId: 'u1' },
      });
    const placed = [await place(one), await place(two), await place(one), await place(two)];
    expect(placed.map((o) => o.status)).toEqual(['new', 'new', 'new', 'rejected']);
    expect(placed[3]).toMatchObject({
      rejectReason: 'risk_limit',
      detail: expect.stringContaining('max_orders_per_minute'),
    });
    // With one process's count only, each desk would have taken three.
    const alone = desk(new InMemoryOrderRateLimiter());
    expect((await place(alone)).status).toBe('new');
  });

  it("falls back to the process's own count when Redis does not answer, and says so", async () => {
    const errors: unknown[] = [];
    const dead = createRedisOrderRateLimiter({
      client: { sendCommand: () => Promise.reject(new Error('connection refused')) },
      onError: (error) => errors.push(error),
    });
    const takes = [];
    for (let i = 0; i < 3; i++) takes.push(await dead.take('p-down', 2, T0 + i));
    expect(takes.map((t) => t.allowed)).toEqual([true, true, false]);
    expect(errors).toHaveLength(3);
  });
});
