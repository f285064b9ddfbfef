/**
 * @module The Binance spot venue behind the broker port: `POST/DELETE/GET /api/v3/order`,
 * `GET /api/v3/openOrders`, `GET /api/v3/myTrades` (fills with their commission) and
 * `GET /api/v3/account`, all SIGNED. One instance serves one portfolio, because API keys belong to
 * one Binance account. Idempotency: the client order id is sent as `newClientOrderId` and looked up
 * before placing (Binance only refuses a duplicate while the first order is still open), and an
 * order request whose answer was lost is resolved by looking the id up rather than by guessing.
 */
import { type Clock, systemClock } from '@tickline/kernel';
import type { Balance, ClosableBroker, LotRules, OpenOrdersQuery, OrderRef } from '../broker.ts';
import { BrokerError } from '../errors.ts';
import { type Order, type PlaceOrderRequest, rejectedOrder } from '../order.ts';
import { type BinanceCredentials, type BinanceSpotConfig } from './config.ts';
import { lotRulesOf } from './exchange-info.ts';
import { BinanceCode, classifyBinanceError } from './map-error.ts';
import {
  binanceAccountSchema,
  binanceOrderSchema,
  binanceTradeSchema,
  placeParams,
  toFills,
  toOrder,
  venueSymbol,
} from './map-order.ts';
import { BinanceRestClient, type RestResult } from './rest-client.ts';

export const BINANCE_SPOT_VENUE = 'binance-spot';

/** Options for {@link createBinanceSpotBroker}. */
export interface BinanceSpotBrokerOptions {
  /** The portfolio these credentials trade for. */
  portfolioId: string;
  credentials: BinanceCredentials;
  config: BinanceSpotConfig;
  /** @default systemClock */
  clock?: Clock;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * The live Binance spot adapter.
 * @throws BrokerError `STRATEGY_BROKER_LIVE_DISABLED` unless `config.enabled`.
 */
export function createBinanceSpotBroker(options: BinanceSpotBrokerOptions): BinanceSpotBroker {
  if (!options.config.enabled) {
    throw new BrokerError(
      'STRATEGY_BROKER_LIVE_DISABLED',
      'live trading on Binance spot is off (trading.venues.binance.enabled)',
    );
  }
  return new BinanceSpotBroker(options);
}

function unavailable(what: string, result: Exclude<RestResult, { kind: 'ok' }>): BrokerError {
  const details =
    result.kind === 'error'
      ? { ...result.answer }
      : result.kind === 'blocked'
        ? { retryAfterMs: result.retryAfterMs }
        : {};
  return new BrokerError('STRATEGY_BROKER_VENUE_UNAVAILABLE', `Binance ${what} failed (${result.kind})`, {
    details,
    ...(result.kind === 'lost' ? { cause: result.cause } : {}),
  });
}

/** See the module comment; made by {@link createBinanceSpotBroker}. */
export class BinanceSpotBroker implements ClosableBroker {
  readonly venue = BINANCE_SPOT_VENUE;
  readonly #portfolioId: string;
  readonly #rest: BinanceRestClient;
  readonly #clock: Clock;
  readonly #lookupBeforePlace: boolean;
  /** Lot rules by venue symbol, read once each (they change with a venue's listing, not by the hour). */
  readonly #lots = new Map<string, LotRules | undefined>();

  constructor(options: BinanceSpotBrokerOptions) {
    this.#portfolioId = options.portfolioId;
    this.#clock = options.clock ?? systemClock;
    this.#lookupBeforePlace = options.config.lookupBeforePlace;
    this.#rest = new BinanceRestClient({
      config: options.config,
      credentials: options.credentials,
      clock: this.#clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** Venue time minus local time, as last measured (for the admin view and tests). */
  get clockOffsetMs(): number {
    return this.#rest.offsetMs;
  }

  /** The venue's clock as last measured: what a signed WebSocket request is stamped with. */
  venueNow(): number {
    return this.#clock.now() + this.#rest.offsetMs;
  }

  /** Measures the offset to the venue clock again; false when the venue did not answer. */
  syncClock(): Promise<boolean> {
    return this.#rest.syncTime();
  }

  async place(request: PlaceOrderRequest): Promise<Order> {
    this.#own(request.portfolioId);
    const ref = {
      portfolioId: request.portfolioId,
      symbol: request.symbol,
      clientOrderId: request.clientOrderId,
    };
    if (this.#lookupBeforePlace) {
      const existing = await this.#lookup(ref);
      if (existing.kind === 'found') return { ...existing.order, origin: request.origin };
      if (existing.kind === 'blocked') {
        return rejectedOrder(
          request,
          'rate_limited',
          'Binance rate limit: waiting for Retry-After',
          this.#clock.now(),
          existing.retryAfterMs,
        );
      }
      if (existing.kind === 'failed') {
        // A refusal (bad key, bad signature) would refuse the order too. Anything else leaves us
        // not knowing whether the id was placed before, and placing blind could place it twice.
        const lookup = existing.result;
        const meaning = lookup.kind === 'error' ? classifyBinanceError(lookup.answer) : undefined;
        if (lookup.kind === 'error' && meaning?.kind === 'rejected') {
          const detail = `Binance ${lookup.answer.code ?? lookup.answer.status}: ${lookup.answer.msg ?? 'no message'}`;
          return rejectedOrder(
            request,
            meaning.reason,
            detail,
            this.#clock.now(),
            lookup.answer.retryAfterMs,
          );
        }
        throw unavailable('order look-up before placing', lookup);
      }
    }
    const result = await this.#rest.signed('POST', '/api/v3/order', placeParams(request));
    const now = this.#clock.now();
    switch (result.kind) {
      case 'ok':
        return {
          ...toOrder(binanceOrderSchema.parse(result.body), request.portfolioId, request.symbol),
          origin: request.origin,
        };
      case 'blocked':
        return rejectedOrder(
          request,
          'rate_limited',
          'Binance rate limit: waiting for Retry-After',
          now,
          result.retryAfterMs,
        );
      case 'lost':
        return this.#reconcile(request, result.cause);
      case 'error': {
        const meaning = classifyBinanceError(result.answer);
        const detail = `Binance ${result.answer.code ?? result.answer.status}: ${result.answer.msg ?? 'no message'}`;
        if (meaning.kind === 'unknown') return this.#reconcile(request, new Error(detail));
        if (meaning.kind === 'duplicate') return this.#reconcile(request, new Error(detail));
        return rejectedOrder(request, meaning.reason, detail, now, result.answer.retryAfterMs);
      }
    }
  }

  async cancel(ref: OrderRef): Promise<Order> {
    this.#own(ref.portfolioId);
    const result = await this.#rest.signed('DELETE', '/api/v3/order', {
      symbol: venueSymbol(ref.symbol),
      origClientOrderId: ref.clientOrderId,
    });
    if (result.kind === 'ok') return this.#withFills(ref, binanceOrderSchema.parse(result.body));
    // -2011 "Unknown order sent.": not open any more (already final) or never existed.
    if (
      result.kind === 'error' &&
      (result.answer.code === BinanceCode.CancelRejected || result.answer.code === BinanceCode.BadSymbol)
    ) {
      const found = await this.order(ref);
      if (found) return found;
      throw new BrokerError(
        'STRATEGY_BROKER_ORDER_NOT_FOUND',
        `no Binance order ${ref.clientOrderId} on ${ref.symbol}`,
        {
          details: { clientOrderId: ref.clientOrderId, symbol: ref.symbol },
        },
      );
    }
    throw unavailable('cancel', result);
  }

  async order(ref: OrderRef): Promise<Order | undefined> {
    this.#own(ref.portfolioId);
    const found = await this.#lookup(ref);
    if (found.kind === 'found') return found.order;
    if (found.kind === 'absent') return undefined;
    throw unavailable('order status', found.kind === 'blocked' ? found : found.result);
  }

  async openOrders(query: OpenOrdersQuery): Promise<Order[]> {
    this.#own(query.portfolioId);
    const result = await this.#rest.signed(
      'GET',
      '/api/v3/openOrders',
      query.symbol ? { symbol: venueSymbol(query.symbol) } : {},
    );
    if (result.kind !== 'ok') throw unavailable('open orders', result);
    // Totals only (no per-fill detail): order() fetches the fills of one order when needed.
    return binanceOrderSchema
      .array()
      .parse(result.body)
      .map((o) => toOrder(o, query.portfolioId, query.symbol));
  }

  async balances(portfolioId: string): Promise<Balance[]> {
    this.#own(portfolioId);
    const result = await this.#rest.signed('GET', '/api/v3/account', { omitZeroBalances: 'true' });
    if (result.kind !== 'ok') throw unavailable('account', result);
    return binanceAccountSchema
      .parse(result.body)
      .balances.filter((b) => b.free > 0 || b.locked > 0)
      .map((b) => ({ asset: b.asset, free: b.free, locked: b.locked }));
  }

  /**
   * `symbol`'s LOT_SIZE and NOTIONAL filters from the public exchange info, read once; undefined
   * when the venue lists none for it.
   * @throws BrokerError `STRATEGY_BROKER_VENUE_UNAVAILABLE` when the venue could not be asked.
   */
  async lotRules(symbol: string): Promise<LotRules | undefined> {
    const name = venueSymbol(symbol);
    if (this.#lots.has(name)) return this.#lots.get(name);
    const result = await this.#rest.public('/api/v3/exchangeInfo', { symbol: name });
    if (result.kind !== 'ok') throw unavailable('exchange info', result);
    const rules = lotRulesOf(result.body, name);
    this.#lots.set(name, rules);
    return rules;
  }

  async close(): Promise<void> {
    // Stateless over fetch: nothing to release. Present so the adapter fits ClosableBroker.
  }

  #own(portfolioId: string): void {
    if (portfolioId !== this.#portfolioId) {
      throw new BrokerError(
        'STRATEGY_BROKER_WRONG_PORTFOLIO',
        `this Binance adapter trades for portfolio ${this.#portfolioId}, not ${portfolioId}`,
      );
    }
  }

  /** The order by client order id, with its fills; `absent` on -2013. */
  async #lookup(
    ref: OrderRef,
  ): Promise<
    | { kind: 'found'; order: Order }
    | { kind: 'absent' }
    | { kind: 'blocked'; retryAfterMs: number }
    | { kind: 'failed'; result: Exclude<RestResult, { kind: 'ok' | 'blocked' }> }
  > {
    const result = await this.#rest.signed('GET', '/api/v3/order', {
      symbol: venueSymbol(ref.symbol),
      origClientOrderId: ref.clientOrderId,
    });
    if (result.kind === 'ok')
      return { kind: 'found', order: await this.#withFills(ref, binanceOrderSchema.parse(result.body)) };
    if (result.kind === 'blocked') return result;
    if (
      result.kind === 'error' &&
      (result.answer.code === BinanceCode.NoSuchOrder || result.answer.code === BinanceCode.BadSymbol)
    ) {
      return { kind: 'absent' };
    }
    return { kind: 'failed', result };
  }

  async #withFills(ref: OrderRef, answer: ReturnType<typeof binanceOrderSchema.parse>): Promise<Order> {
    if (answer.executedQty === 0) return toOrder(answer, ref.portfolioId, ref.symbol, []);
    const trades = await this.#rest.signed('GET', '/api/v3/myTrades', {
      symbol: answer.symbol,
      orderId: answer.orderId,
    });
    if (trades.kind !== 'ok') throw unavailable('trades of an order', trades);
    return toOrder(
      answer,
      ref.portfolioId,
      ref.symbol,
      toFills(binanceTradeSchema.array().parse(trades.body)),
    );
  }

  /** After a lost or ambiguous answer: the order exists or we cannot say. */
  async #reconcile(request: PlaceOrderRequest, cause: unknown): Promise<Order> {
    const ref = {
      portfolioId: request.portfolioId,
      symbol: request.symbol,
      clientOrderId: request.clientOrderId,
    };
    const found = await this.#lookup(ref).catch(() => undefined);
    if (found?.kind === 'found') return { ...found.order, origin: request.origin };
    throw new BrokerError(
      'STRATEGY_BROKER_OUTCOME_UNKNOWN',
      `Binance did not say whether order ${request.clientOrderId} was placed; ask again with the same client order id`,
      { cause, details: { clientOrderId: request.clientOrderId, symbol: request.symbol } },
    );
  }
}
