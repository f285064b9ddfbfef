/**
 * @module Building sources from configuration: one zod-validated discriminated union on `kind`
 * (`simulator`, `csv`, `binance`, `upbit`, `coinbase`, `alpaca`, `kis`), one factory. The collector reads a list
 * of these, calls {@link createSource} for each and subscribes with {@link sourceSubscription}.
 *
 * @example
 * const config = parseSourceConfig({ kind: 'binance', symbols: ['BTC-USDT'] });
 * const source = createSource(config, { logger, metrics });
 * const { symbols, kinds } = sourceSubscription(config);
 */
import { ConfigInvalidError, type Clock, type Logger, type Registry } from '@tickline/kernel';
import { CandleIntervalSchema, SymbolSchema } from '@tickline/protocol';
import { z } from 'zod';
import type { MarketKind } from '../port/market-message.ts';
import type { MarketSource } from '../port/market-source.ts';
import type { Sleep } from '../port/sleep.ts';
import { createBinanceSource } from './binance/source.ts';
import { createCoinbaseSource } from './coinbase/source.ts';
import { CsvReplaySource } from './csv/source.ts';
import type { NetworkSourceOptions } from './network/options.ts';
import { DEFAULT_SIMULATOR_HISTORY_MINUTES } from '../config.ts';
import { DEFAULT_SIMULATED_SYMBOLS } from './simulator/config.ts';
import { SimulatorSource } from './simulator/source.ts';
import { createUpbitSource } from './upbit/source.ts';
import { createAlpacaSource } from './alpaca/source.ts';
import { createKisSource } from './kis/source.ts';
import { parseEquitySymbol } from '../normalize/equity-symbols.ts';

/** Sources take the one wire pattern: a CSV may replay shares, Alpaca and KIS narrow it below. */
const Symbol = SymbolSchema;
const Interval = CandleIntervalSchema;
const Ms = z.int().positive();
/** A day: the longest past a simulator writes (86,400 1 s candles per market). */
const MAX_SIMULATOR_HISTORY_MINUTES = 1_440;
const MINUTE_MS = 60_000;

const common = {
  /** Source name in status, metrics and `/sources`. Defaults to the kind. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a lower-case, path-safe name')
    .optional(),
  /** Kinds to subscribe. */
  kinds: z
    .array(z.enum(['trade', 'candle']))
    .min(1)
    .default(['trade']),
};

const SimulatorConfig = z.strictObject({
  kind: z.literal('simulator'),
  ...common,
  /** Subscription; default every simulated market. */
  symbols: z.array(Symbol).optional(),
  seed: z.int().optional(),
  markets: z
    .array(
      z.strictObject({
        symbol: Symbol,
        startPrice: z.number().positive(),
        tickSize: z.number().positive().optional(),
        meanSize: z.number().positive().optional(),
        sizeStep: z.number().positive().optional(),
      }),
    )
    .min(1)
    .optional(),
  tradesPerSecond: z.number().positive().optional(),
  dailyVolatility: z.number().positive().optional(),
  mode: z.enum(['paced', 'max']).optional(),
  tickMs: Ms.optional(),
  /** Minutes of the walk's past written as candles on a fresh store (paced only). @default 60 */
  historyMinutes: z.int().min(0).max(MAX_SIMULATOR_HISTORY_MINUTES).optional(),
});

const CsvConfig = z.strictObject({
  kind: z.literal('csv'),
  ...common,
  /** Replay only these; default every row. */
  symbols: z.array(Symbol).optional(),
  files: z.array(z.string().min(1)).min(1),
  exchange: z.string().min(1).optional(),
  symbol: Symbol.optional(),
  interval: Interval.optional(),
  speed: z.union([z.number().positive(), z.literal('max')]).optional(),
});

/** Resilience and endpoint settings shared by the network sources; unset means the venue default. */
const network = {
  symbols: z.array(Symbol).min(1),
  url: z.url().optional(),
  restUrl: z.url().optional(),
  backoff: z
    .strictObject({ initialMs: Ms.optional(), maxMs: Ms.optional(), factor: z.number().min(1).optional() })
    .optional(),
  rateLimitBackoffMs: Ms.optional(),
  breaker: z
    .strictObject({ failureThreshold: z.int().min(1).optional(), cooldownMs: Ms.optional() })
    .optional(),
  silenceMs: Ms.optional(),
  connectTimeoutMs: Ms.optional(),
  maxLifetimeMs: Ms.optional(),
  keepaliveMs: Ms.optional(),
  candleIntervals: z.array(Interval).min(1).optional(),
  backfill: z.boolean().optional(),
  maxBackfillMs: Ms.optional(),
  recentTradeIds: z.int().min(1).optional(),
  highWaterMark: z.int().min(1).optional(),
  httpTimeoutMs: Ms.optional(),
};

const BinanceConfig = z.strictObject({ kind: z.literal('binance'), ...common, ...network });
const UpbitConfig = z.strictObject({ kind: z.literal('upbit'), ...common, ...network });
const CoinbaseConfig = z.strictObject({
  kind: z.literal('coinbase'),
  ...common,
  ...network,
  /** Advanced Trade (default) or the Exchange feed. */
  feed: z.enum(['advanced-trade', 'exchange']).optional(),
});

const UsShare = z
  .string()
  .refine((s) => parseEquitySymbol(s)?.exchange === 'US', 'expected a US share symbol, TICKER.US (AAPL.US)');
const AlpacaConfig = z.strictObject({
  kind: z.literal('alpaca'),
  ...common,
  ...network,
  symbols: z.array(UsShare).min(1),
  /** The account's API key id and secret (`APCA-API-KEY-ID` / `APCA-API-SECRET-KEY`). */
  keyId: z.string().min(1),
  secretKey: z.string().min(1),
  /** `iex` on the free plan, `sip` for every US exchange. */
  feed: z.enum(['iex', 'sip', 'delayed_sip']).optional(),
});

const KrxShare = z
  .string()
  .refine(
    (s) => parseEquitySymbol(s)?.exchange === 'KS',
    'expected a KRX share symbol, six digits then .KS (005930.KS)',
  );
const KisConfig = z.strictObject({
  kind: z.literal('kis'),
  ...common,
  ...network,
  symbols: z.array(KrxShare).min(1),
  /** The app key and secret issued with the KIS account. */
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  /** `P` for a person, `B` for a corporation. */
  custType: z.enum(['P', 'B']).optional(),
});

/** `type` is accepted as an alias of `kind` (the server's config file spells it so). */
function kindAlias(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { type, ...rest } = value as Record<string, unknown>;
  return 'kind' in rest || type === undefined ? value : { kind: type, ...rest };
}

const SourceConfigUnion = z.discriminatedUnion('kind', [
  SimulatorConfig,
  CsvConfig,
  BinanceConfig,
  UpbitConfig,
  CoinbaseConfig,
  AlpacaConfig,
  KisConfig,
]);

/** One configured source. */
export const SourceConfigSchema = z.preprocess(kindAlias, SourceConfigUnion);
export type SourceConfig = z.output<typeof SourceConfigUnion>;
export type SourceConfigInput = z.input<typeof SourceConfigUnion>;
export type SourceKind = SourceConfig['kind'];

/** What sources may share: time, logging, metrics, HTTP (tests inject them). */
export interface SourceDeps {
  /** @default systemClock */
  clock?: Clock;
  /** @default timerSleep */
  sleep?: Sleep;
  /** Uniform [0, 1) for reconnect jitter. @default Math.random */
  random?: () => number;
  /** @default the service context's logger */
  logger?: Logger;
  metrics?: Registry;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Validates one source configuration; throws `KERNEL_CONFIG_INVALID` naming the fields. */
export function parseSourceConfig(input: unknown): SourceConfig {
  const result = SourceConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new ConfigInvalidError(
    `invalid market source: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`,
    { problems },
  );
}

/** What to subscribe for a configured source (empty symbols on CSV means every row). */
export function sourceSubscription(config: SourceConfig): { symbols: string[]; kinds: MarketKind[] } {
  const kinds = [...config.kinds];
  if (config.kind === 'simulator') {
    return {
      symbols: config.symbols ?? (config.markets ?? DEFAULT_SIMULATED_SYMBOLS).map((m) => m.symbol),
      kinds,
    };
  }
  return { symbols: [...(config.symbols ?? [])], kinds };
}

/** Builds the source a configuration describes (validated again, so raw input is fine too). */
export function createSource(input: SourceConfig | SourceConfigInput, deps: SourceDeps = {}): MarketSource {
  const config = parseSourceConfig(input);
  switch (config.kind) {
    case 'simulator':
      return new SimulatorSource({
        name: config.name,
        seed: config.seed,
        symbols: config.markets,
        tradesPerSecond: config.tradesPerSecond,
        dailyVolatility: config.dailyVolatility,
        mode: config.mode,
        tickMs: config.tickMs,
        historyMs: (config.historyMinutes ?? DEFAULT_SIMULATOR_HISTORY_MINUTES) * MINUTE_MS,
        clock: deps.clock,
        sleep: deps.sleep,
      });
    case 'csv':
      return new CsvReplaySource({
        name: config.name,
        files: config.files,
        exchange: config.exchange,
        symbol: config.symbol,
        interval: config.interval,
        speed: config.speed,
        clock: deps.clock,
        sleep: deps.sleep,
        logger: deps.logger,
      });
    case 'binance':
      return createBinanceSource(networkOptions(config, deps));
    case 'upbit':
      return createUpbitSource(networkOptions(config, deps));
    case 'coinbase': {
      const { feed, ...rest } = config;
      return createCoinbaseSource({ ...networkOptions(rest, deps), feed });
    }
    case 'alpaca': {
      const { feed, keyId, secretKey, ...rest } = config;
      return createAlpacaSource({
        ...networkOptions(rest, deps),
        keyId,
        secretKey,
        ...(feed ? { feed } : {}),
      });
    }
    case 'kis': {
      const { appKey, appSecret, custType, ...rest } = config;
      return createKisSource({
        ...networkOptions(rest, deps),
        appKey,
        appSecret,
        ...(custType ? { custType } : {}),
      });
    }
  }
}

function networkOptions(
  // Omit over the union keeps the settings every network venue shares, which is what is passed on.
  config: Omit<
    Extract<SourceConfig, { kind: 'binance' | 'upbit' | 'coinbase' | 'alpaca' | 'kis' }>,
    'keyId' | 'secretKey' | 'appKey' | 'appSecret'
  >,
  deps: SourceDeps,
): NetworkSourceOptions {
  const { kind: _kind, kinds: _kinds, symbols: _symbols, ...settings } = config;
  return { ...settings, ...deps };
}
