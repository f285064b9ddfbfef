/**
 * @module The live-trading API on the wire (`/api/v1/portfolios`, `/api/v1/live-strategies`):
 * portfolios with positions and P&L, paper orders and their fills, live strategy runs with their
 * signals, and the request bodies the SDK sends. The strategy package answers with these shapes; the
 * SDK and the dashboard read their types from here. Amounts are the quote currency; times are
 * epoch milliseconds.
 */
import { z } from 'zod';
import { CandleIntervalSchema } from '../sets/candle-interval.ts';
import { SymbolSchema } from '../sets/symbol.ts';

const positive = z.number().finite().positive();

export const OrderSideSchema = z.enum(['buy', 'sell']);
export const OrderTypeSchema = z.enum(['market', 'limit', 'stop']);
/** `new` rests (a stop waits for its trigger); the last three are final. */
export const OrderStatusSchema = z.enum(['new', 'partially_filled', 'filled', 'cancelled', 'rejected']);
/** Why an order was refused (the broker's closed set). */
export const RejectReasonSchema = z.enum([
  'insufficient_funds',
  'unknown_symbol',
  'market_closed',
  'invalid_order',
  'risk_limit',
  'kill_switch',
  'rate_limited',
  'clock_skew',
  'auth_failed',
  'venue_error',
]);

export const PortfolioSummarySchema = z.object({
  portfolioId: z.string(),
  cash: z.number(),
  /** Cash plus positions marked to their last price. */
  equity: z.number(),
  /** Equity when the current UTC day began (the daily-loss limit's base). */
  dayStartEquity: z.number(),
});

export const PositionSchema = z.object({
  symbol: z.string(),
  /** Signed: > 0 long. */
  quantity: z.number(),
  averagePrice: z.number(),
  /** The last price seen; 0 while none is known. */
  markPrice: z.number(),
  realizedPnl: z.number(),
  unrealizedPnl: z.number(),
  fees: z.number(),
  /** The part of `fees` that entered the quantity still held: realized only when it is sold. */
  openFees: z.number().optional(),
});

export const PortfoliosResponseSchema = z.object({ portfolios: z.array(PortfolioSummarySchema) });
export const PortfolioResponseSchema = PortfolioSummarySchema.extend({ positions: z.array(PositionSchema) });

/** One point of a portfolio's equity history (after a fill, or a candle that moved a mark). */
export const EquityPointSchema = z.object({ at: z.number(), equity: z.number(), cash: z.number() });
export const EquityHistoryResponseSchema = z.object({ points: z.array(EquityPointSchema) });

/**
 * The spans the equity chart offers (`GET /portfolios/:id/equity?range=`): the last day, week or
 * month, each answered as one point per bucket of {@link EQUITY_RANGE_BUCKET_MS} (the last of the
 * bucket), so every range is a few hundred points whatever the stored resolution.
 */
export const EquityRange = { Day: 'day', Week: 'week', Month: 'month' } as const;
export type EquityRange = (typeof EquityRange)[keyof typeof EquityRange];
export const EQUITY_RANGES = Object.values(EquityRange) as [EquityRange, ...EquityRange[]];

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** How far back each range reaches. */
export const EQUITY_RANGE_SPAN_MS: Readonly<Record<EquityRange, number>> = {
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
};
/** One point per bucket: 288 for a day, 336 for a week, 360 for a month. */
export const EQUITY_RANGE_BUCKET_MS: Readonly<Record<EquityRange, number>> = {
  day: 5 * MINUTE_MS,
  week: 30 * MINUTE_MS,
  month: 120 * MINUTE_MS,
};

export const OrderFillSchema = z.object({
  tradeId: z.string(),
  price: z.number(),
  quantity: z.number(),
  fee: z.number(),
  feeAsset: z.string(),
  time: z.number(),
});

export const OrderOriginSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('strategy'),
    strategyId: z.string(),
    version: z.number(),
    candleCloseTime: z.number(),
    /** The interval whose bars fill it on paper: its run's execution feed for the symbol. */
    fillInterval: CandleIntervalSchema.optional(),
  }),
  z.object({ kind: z.literal('manual'), userId: z.string() }),
]);

export const OrderSchema = z.object({
  portfolioId: z.string(),
  clientOrderId: z.string(),
  venueOrderId: z.string().optional(),
  symbol: z.string(),
  side: OrderSideSchema,
  type: OrderTypeSchema,
  quantity: z.number(),
  price: z.number().optional(),
  timeInForce: z.enum(['gtc', 'ioc']),
  status: OrderStatusSchema,
  filledQuantity: z.number(),
  /** Sum of price × quantity over the fills. */
  filledQuote: z.number(),
  fills: z.array(OrderFillSchema),
  rejectReason: RejectReasonSchema.optional(),
  detail: z.string().optional(),
  retryAfterMs: z.number().optional(),
  origin: OrderOriginSchema.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const OrdersResponseSchema = z.object({ orders: z.array(OrderSchema) });
export const OrderResponseSchema = z.object({ order: OrderSchema });

/**
 * A manual paper order. `quantity` is in units of the base asset; limit and stop orders need a
 * `price` (the limit, or the trigger), market orders take none.
 */
export const PlaceOrderBodySchema = z
  .strictObject({
    symbol: SymbolSchema,
    side: OrderSideSchema,
    type: OrderTypeSchema.default('market'),
    quantity: positive,
    price: positive.optional(),
  })
  .refine((b) => (b.type === 'market') === (b.price === undefined), {
    message: 'limit and stop orders need a price; market orders take none',
    path: ['price'],
  });

export const KillSwitchResponseSchema = z.object({ cancelled: z.number() });

/** A signal of a live run: the order it placed on a closed candle. */
export const LiveSignalSchema = z.object({
  strategyId: z.string(),
  /** The strategy's name when the signal was made (absent if it could not be read then). */
  strategyName: z.string().optional(),
  version: z.number(),
  userId: z.string(),
  portfolioId: z.string(),
  candleCloseTime: z.number(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: OrderSideSchema,
  type: OrderTypeSchema,
  quantity: z.number(),
  price: z.number().optional(),
  reason: z.string(),
});

export const LiveFeedSchema = z.object({
  symbol: SymbolSchema,
  /** Any candle interval, 1 s included: a run's orders fill on the bars of its finest feed. */
  interval: CandleIntervalSchema,
});

export const LiveRunStateSchema = z.enum(['running', 'paused']);

/** One order decision of a parity report or check. */
export const ParityDecisionSchema = z.object({
  /** Close time of the candle decided on (epoch ms). */
  candleCloseTime: z.number(),
  symbol: z.string(),
  side: OrderSideSchema,
  type: OrderTypeSchema,
  /** Quantity ordered; a percent order's as the live runner sized it from the run's equity. */
  quantity: z.number(),
  /** The percent of equity a percent order asked for (known to the replay). */
  percent: z.number().optional(),
  price: z.number().optional(),
});

/** A feed's data-health problem as a sentence says it ("BTC-USDT 1m jumped"): notices and cards. */
export const FEED_PROBLEM_WORDS: Readonly<Record<'stale' | 'gap' | 'jump', string>> = Object.freeze({
  stale: 'went stale',
  gap: 'has a gap',
  jump: 'jumped',
});

export const LiveRunSchema = z.object({
  /** `{portfolioId}:{strategyId}`: one run per strategy and portfolio. */
  id: z.string(),
  strategyId: z.string(),
  /** The strategy's name, so a client shows it without listing strategies (absent if unreadable). */
  strategyName: z.string().optional(),
  version: z.number(),
  userId: z.string(),
  portfolioId: z.string(),
  state: LiveRunStateSchema,
  /**
   * Why it is paused: a code (`user`, `kill_switch`, or the failure's error code) and the words;
   * `resumesAt`: when a run paused for CPU resumes by itself (absent: when its owner resumes it).
   */
  pause: z
    .object({ code: z.string(), reason: z.string(), at: z.number(), resumesAt: z.number().optional() })
    .optional(),
  candles: z.number(),
  signals: z.number(),
  /** Close time of the last candle claimed: being decided, or decided (its orders may be going out). */
  lastCandleTime: z.number().optional(),
  /**
   * Close time of the last candle whose decision is complete: answered, and its orders handed to
   * the order desk, which can come a moment after the claim. What parity replays up to; on a run
   * another process holds, its stored checkpoint.
   */
  settledCandleTime: z.number().optional(),
  lastSignals: z.array(LiveSignalSchema),
  /** `warmup`: logged during the warm-up on stored history, not a live decision. */
  logs: z.array(z.object({ time: z.number(), text: z.string(), warmup: z.literal(true).optional() })),
  /** In stop-entry: orders that would open or grow a position are not placed; exits are. */
  stopEntry: z.boolean().optional(),
  /**
   * The run's own open positions (its fills netted per symbol; negative when short): what a force
   * exit closes. Absent while flat.
   */
  positions: z.array(z.object({ symbol: z.string(), quantity: z.number() })).optional(),
  /**
   * Set while a feed it reads is unhealthy (stale, a gap, a jump past the band): its entries are
   * refused, its exits go on, its strategy reads `ctx.dataHealthy === false`. Absent when healthy.
   */
  dataHealth: z
    .object({
      healthy: z.literal(false),
      feeds: z.array(
        z.object({
          symbol: z.string(),
          interval: z.string(),
          healthy: z.boolean(),
          problem: z.enum(['stale', 'gap', 'jump']).optional(),
          detail: z.string().optional(),
          since: z.number().optional(),
        }),
      ),
    })
    .optional(),
  /**
   * Its latest parity check: the run's decisions against its backtest replay's, checked on a
   * schedule and at each restart or resume (absent before the first). `firstDivergence`: the
   * first decision that differs (from 1), the field, and both sides of it.
   */
  parity: z
    .object({
      checkedAt: z.number(),
      state: z.enum(['identical', 'diverged']),
      decisions: z.number(),
      firstDivergence: z
        .object({
          decision: z.number(),
          field: z.string(),
          live: ParityDecisionSchema.optional(),
          replay: ParityDecisionSchema.optional(),
        })
        .optional(),
    })
    .optional(),
});

export const LiveRunResponseSchema = z.object({ run: LiveRunSchema });
export const LiveRunsResponseSchema = z.object({ runs: z.array(LiveRunSchema) });
export const LiveSignalsResponseSchema = z.object({ signals: z.array(LiveSignalSchema) });
export const LiveLogsResponseSchema = z.object({ logs: LiveRunSchema.shape.logs });

/** Runs a strategy version live on a portfolio, on one or more feeds. */
export const EnableLiveBodySchema = z.strictObject({
  strategyId: z.string().min(1).max(100),
  version: z.int().positive(),
  portfolioId: z.string().min(1).max(100),
  params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
  feeds: z.array(LiveFeedSchema.strict()).min(1).max(8),
  /** Stored candles replayed before acting live, so indicators start warm. */
  warmupBars: z.int().min(0).max(5_000).default(200),
});

export type OrderSide = z.infer<typeof OrderSideSchema>;
export type OrderType = z.infer<typeof OrderTypeSchema>;
export type OrderStatus = z.infer<typeof OrderStatusSchema>;
export type RejectReason = z.infer<typeof RejectReasonSchema>;
export type PortfolioSummary = z.infer<typeof PortfolioSummarySchema>;
export type Position = z.infer<typeof PositionSchema>;
export type PortfolioDetail = z.infer<typeof PortfolioResponseSchema>;
export type EquityPoint = z.infer<typeof EquityPointSchema>;
export type OrderFill = z.infer<typeof OrderFillSchema>;
export type OrderOrigin = z.infer<typeof OrderOriginSchema>;
export type Order = z.infer<typeof OrderSchema>;
export type PlaceOrderInput = z.input<typeof PlaceOrderBodySchema>;
export type LiveSignal = z.infer<typeof LiveSignalSchema>;
export type LiveFeed = z.infer<typeof LiveFeedSchema>;
export type LiveRunState = z.infer<typeof LiveRunStateSchema>;
export type LiveRun = z.infer<typeof LiveRunSchema>;
export type EnableLiveInput = z.input<typeof EnableLiveBodySchema>;
