/**
 * @module Orders as the broker port sees them: what is asked (a {@link PlaceOrderRequest}), and
 * what the venue says about it (an {@link Order} snapshot). Sides and types are the backtest
 * engine's (`buy`/`sell`, `market`/`limit`/`stop`, one `price` for limit and stop), so a strategy's
 * order means the same thing in a backtest, on paper and live.
 */
import { CandleIntervalSchema, SymbolSchema, type CandleInterval } from '@tickline/protocol';
import { z } from 'zod';

export const OrderSide = { Buy: 'buy', Sell: 'sell' } as const;
export type OrderSide = (typeof OrderSide)[keyof typeof OrderSide];

export const OrderType = { Market: 'market', Limit: 'limit', Stop: 'stop' } as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

/** `gtc` rests until cancelled; `ioc` fills what it can at once and cancels the rest. */
export const TimeInForce = { Gtc: 'gtc', Ioc: 'ioc' } as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

/**
 * Where an order is in its life. `new` rests (a stop waits for its trigger), `partially_filled`
 * rests with some quantity done; the other three are final.
 */
export const OrderStatus = {
  New: 'new',
  PartiallyFilled: 'partially_filled',
  Filled: 'filled',
  Cancelled: 'cancelled',
  Rejected: 'rejected',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** Final states: nothing more happens to the order. */
export function isFinalStatus(status: OrderStatus): boolean {
  return status === 'filled' || status === 'cancelled' || status === 'rejected';
}

/**
 * Why an order was refused, as a closed set callers branch on. Venue-specific codes map onto it
 * (see each adapter's error mapping); `detail` on the order keeps the venue's own words.
 */
export const RejectReason = {
  /** Not enough free cash (buy) or base asset (sell). */
  InsufficientFunds: 'insufficient_funds',
  /** The venue does not list the symbol. */
  UnknownSymbol: 'unknown_symbol',
  /** The symbol exists but does not trade now (halted, delisting). */
  MarketClosed: 'market_closed',
  /** Quantity or price break a venue filter (lot size, tick size, minimum notional) or are malformed. */
  InvalidOrder: 'invalid_order',
  /** A portfolio risk limit (position value, daily loss, orders per minute). */
  RiskLimit: 'risk_limit',
  /** The portfolio's kill switch is engaged. */
  KillSwitch: 'kill_switch',
  /** The venue's request or order rate limit; `retryAfterMs` says when to try again. */
  RateLimited: 'rate_limited',
  /** The request's timestamp fell outside the venue's receive window even after a clock resync. */
  ClockSkew: 'clock_skew',
  /** The venue refused the credentials (key, signature, permissions). */
  AuthFailed: 'auth_failed',
  /** Any other refusal by the venue. */
  VenueError: 'venue_error',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/**
 * Who asked for an order: a strategy run (keyed by the candle it decided on) or a person. A
 * strategy's `fillInterval` is the interval of its run's execution feed for the symbol (the
 * backtest's rule, strategy `core/execution-feed.ts`): the paper venue fills the order on bars of
 * that interval only, as the backtest does. Absent (orders journalled before it existed, venues
 * that fill themselves), the paper venue's default interval fills it.
 */
export type OrderOrigin =
  | {
      kind: 'strategy';
      strategyId: string;
      version: number;
      candleCloseTime: number;
      fillInterval?: CandleInterval;
    }
  /** A person's order; a force exit of a run carries the run's `fillInterval` (its bars fill it). */
  | { kind: 'manual'; userId: string; fillInterval?: CandleInterval };

const finitePositive = z.number().finite().positive();
/**
 * The smallest quantity an order may ask for: a hundred-millionth of a unit, the finest step a
 * venue lists (Binance's `stepSize` of 0.00000001). Below it an order is noise — 5e-324 units
 * were once accepted, filled and booked.
 */
export const MIN_ORDER_QUANTITY = 1e-8;
/** An order's quantity: finite and at least {@link MIN_ORDER_QUANTITY}. */
export const OrderQuantity = z
  .number()
  .finite()
  .min(MIN_ORDER_QUANTITY, { message: `at least ${MIN_ORDER_QUANTITY} units` });

/** A request to place an order, validated at the edge (API, strategy host) with this schema. */
export const PlaceOrderRequestSchema = z
  .strictObject({
    portfolioId: z.string().min(1),
    /** Idempotency key: placing the same id twice yields the one order (see client-order-id.ts). */
    clientOrderId: z.string().regex(/^[A-Za-z0-9._:/-]{1,36}$/),
    /** Canonical `BASE-QUOTE` or a share's `TICKER.EXCHANGE`. */
    symbol: SymbolSchema,
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop']),
    /** Units of the base asset. */
    quantity: OrderQuantity,
    /** Limit price (limit) or trigger price (stop); absent for market. */
    price: finitePositive.optional(),
    timeInForce: z.enum(['gtc', 'ioc']).default('gtc'),
    origin: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('strategy'),
        strategyId: z.string().min(1),
        version: z.int().positive(),
        candleCloseTime: z.int().nonnegative(),
        fillInterval: CandleIntervalSchema.optional(),
      }),
      z.strictObject({
        kind: z.literal('manual'),
        userId: z.string().min(1),
        fillInterval: CandleIntervalSchema.optional(),
      }),
    ]),
  })
  .refine((o) => (o.type === 'market') === (o.price === undefined), {
    message: 'limit and stop orders need a price; market orders take none',
    path: ['price'],
  });
export type PlaceOrderRequest = z.output<typeof PlaceOrderRequestSchema>;
export type PlaceOrderInput = z.input<typeof PlaceOrderRequestSchema>;

/** One execution of an order. `fee` is in `feeAsset` (venues charge in base, quote or their own token). */
export interface OrderFill {
  /** The venue's trade id; unique per symbol. */
  tradeId: string;
  price: number;
  quantity: number;
  fee: number;
  feeAsset: string;
  /** Epoch ms. */
  time: number;
}

/** What the venue knows about an order at one moment. */
export interface Order {
  portfolioId: string;
  clientOrderId: string;
  /** The venue's own id; absent when the order was rejected before the venue took it. */
  venueOrderId?: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  quantity: number;
  price?: number;
  timeInForce: TimeInForce;
  status: OrderStatus;
  filledQuantity: number;
  /** Sum of price × quantity over the fills, in the quote asset. */
  filledQuote: number;
  /** Executions known so far, oldest first; a venue that reports only totals leaves this empty. */
  fills: OrderFill[];
  /** Set when `status` is `rejected`. */
  rejectReason?: RejectReason;
  /** The venue's words (or the risk check's) for a rejection. */
  detail?: string;
  /** For `rate_limited`: how long the venue asked us to wait. */
  retryAfterMs?: number;
  /**
   * Who asked. Venues do not store it, so a snapshot read back from one lacks it; whoever placed
   * the order (the order desk) knows it from the request.
   */
  origin?: OrderOrigin;
  /** Epoch ms when the venue took (or refused) the order. */
  createdAt: number;
  /** Epoch ms of the last change. */
  updatedAt: number;
}

/** A rejected order snapshot for a request that never reached (or was refused by) the venue. */
export function rejectedOrder(
  request: PlaceOrderRequest,
  reason: RejectReason,
  detail: string,
  at: number,
  retryAfterMs?: number,
): Order {
  return {
    portfolioId: request.portfolioId,
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    quantity: request.quantity,
    ...(request.price === undefined ? {} : { price: request.price }),
    timeInForce: request.timeInForce,
    status: 'rejected',
    filledQuantity: 0,
    filledQuote: 0,
    fills: [],
    rejectReason: reason,
    detail,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    origin: request.origin,
    createdAt: at,
    updatedAt: at,
  };
}
