/**
 * @module The strategy API with live trading composed, over real PGlite and an in-memory log, for
 * route tests: the strategy test app (identity, the strategy host, candles, the server's error
 * shape) with a trading host built on it and its routes beside the strategy routes.
 */
import { createMetricsRegistry, type SecretBox, silentLogger, systemClock } from '@tickline/kernel';
import {
  createStrategyTestApp,
  type StrategyTestApp,
  type StrategyTestAppOptions,
  type TestAppExtension,
} from '@tickline/strategy/internal';
import { tradingRoutes } from '../module/trading-module.ts';
import { createTradingHost, type TradingHost } from '../module/trading-host.ts';
import { TradingSettingsSchema, type TradingSettings } from '../module/trading-settings.ts';
import { migrateForTrading } from './trading-migrations.ts';

/** The trading host as the test app's extension. */
interface TradingExtension extends TestAppExtension {
  trading: TradingHost;
}

export interface TradingTestApp extends StrategyTestApp<TradingExtension> {
  /** The trading host (live runs, books, desk, risk). */
  trading: TradingHost;
}

/** Like {@link createStrategyTestApp}, with live trading over its in-memory log. */
export async function createTradingTestApp(
  options: Omit<StrategyTestAppOptions, 'extend'> & {
    trading?: Partial<TradingSettings>;
    /** Seals venue keys: with it, portfolios may be bound to the venues `trading.venues` enables. */
    venueBox?: SecretBox;
  } = {},
): Promise<TradingTestApp> {
  const app = await createStrategyTestApp<TradingExtension>({
    ...options,
    migrate: migrateForTrading,
    extend: ({ sql, identity, host, log, publisher }) => {
      const trading = createTradingHost({
        sql,
        identity,
        strategy: host,
        publisher,
        eventLog: log,
        ...(options.venueBox === undefined ? {} : { venueBox: options.venueBox }),
        settings: { ...TradingSettingsSchema.parse(undefined), ...options.trading },
        logger: silentLogger,
        metrics: createMetricsRegistry(),
        clock: systemClock,
      });
      return { services: trading.services, routes: tradingRoutes(trading), trading };
    },
  });
  return { ...app, trading: app.extension.trading };
}
