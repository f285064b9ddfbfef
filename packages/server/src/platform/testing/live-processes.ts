/**
 * @module Strategy processes for the operations API's tests: each one a real live runner (paper
 * venue, books, order desk) answering `strategy.live` on its own request/reply port, as a
 * `--role strategy` process does. One run buys on every candle; one throws on its second.
 */
import type { RequestReply } from '@tickline/eventlog';
import { silentLogger, type Service } from '@tickline/kernel';
import { resolveBacktestSettings, type StrategyDefinition } from '@tickline/strategy';
import { createLiveAdminResponder } from '@tickline/trading';
import { createLiveTestApp, type LiveTestApp } from '@tickline/trading/internal';

export const SYMBOL = 'BTC-USDT';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

const strategies: Record<string, StrategyDefinition> = {
  'buyer@1': { onCandle: (ctx) => void ctx.buy({ qty: 0.01, reason: 'every candle' }) },
  'fragile@1': {
    init: () => ({ seen: 0 }),
    onCandle(ctx) {
      const state = ctx.state as { seen: number };
      if (++state.seen === 2) throw new Error('fragile broke on its second candle');
    },
  },
};

/** One strategy process. */
export interface StrategyProcessUnderTest {
  member: string;
  live: LiveTestApp;
  responder: Service;
  /** Enables `strategyId` (buyer or fragile) on portfolio `p-<member>`; returns the run id. */
  enable(strategyId: 'buyer' | 'fragile'): Promise<string>;
  /** Closes `count` one-minute candles of the symbol. */
  candles(count: number): Promise<void>;
}

export async function startStrategyProcess(
  member: string,
  rpc: RequestReply,
): Promise<StrategyProcessUnderTest> {
  const portfolioId = `p-${member}`;
  const live = await createLiveTestApp({
    portfolios: { [portfolioId]: `u-${member}` },
    prices: { [SYMBOL]: 100 },
    strategies,
  });
  const responder = createLiveAdminResponder({ rpc, runner: live.runner, desk: live.routeOptions.desk, member });
  await responder.start({ logger: silentLogger, fail: () => {} });
  let minute = 0;
  return {
    member,
    live,
    responder,
    async enable(strategyId) {
      const run = await live.runner.enable({
        id: `${portfolioId}:${strategyId}`,
        strategyId,
        version: 1,
        userId: `u-${member}`,
        portfolioId,
        params: {},
        feeds: [{ symbol: SYMBOL, interval: '1m' }],
        settings: resolveBacktestSettings({}),
        warmupBars: 0,
      });
      return run.id;
    },
    async candles(count) {
      for (let i = 0; i < count; i++, minute++) {
        const openTime = T0 + minute * MINUTE;
        await live.runner.onCandle({
          symbol: SYMBOL,
          interval: '1m',
          openTime,
          closeTime: openTime + MINUTE - 1,
          open: 100,
          high: 101,
          low: 99,
          close: 100 + (minute % 3),
          volume: 10,
        });
      }
    },
  };
}
