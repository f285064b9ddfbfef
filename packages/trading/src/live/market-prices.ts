/**
 * @module What the live runner does with market events before any run decides: a batch cut into
 * waves of closed candles, and the trades a manual market order waits for between them; each price
 * fills the paper venue's resting orders (through the desk) and marks the books. A module of its
 * own because it is the venue's side of a candle — the runs' decisions come after it.
 */
import type { EventEnvelope } from '@tickline/kernel';
import type { Order } from '../broker/order.ts';
import type { PaperBar } from '../broker/paper/paper-ports.ts';
import type { FeedCandle, LiveRunnerOptions } from './live-runner-types.ts';

/** A trade's price, as a `market.trade` event carries it. */
export interface TradePrice {
  symbol: string;
  price: number;
  exchangeTime: number;
}

/** One thing to do, in order: a trade a manual market order waits for, or a wave of candles. */
export type MarketStep = { kind: 'trade'; trade: TradePrice } | { kind: 'wave'; candles: FeedCandle[] };

/**
 * Cuts a batch of `market.candle.closed` and `market.trade` envelopes into steps. Candles of
 * different feeds closing together are one wave; a feed's next candle starts the next wave (its
 * fills come from the one before). A trade counts only when `awaitsPrice(symbol)` says a manual
 * order waits for it, asked when the steps before it were taken (the generator is lazy), and the
 * candles before it in the batch come first: the price after acceptance is the trade's.
 * Corrections and incomplete candles are skipped: runs decide once per candle.
 */
export function* marketSteps(
  events: readonly EventEnvelope[],
  awaitsPrice: (symbol: string) => boolean,
): Generator<MarketStep, void, undefined> {
  let wave: FeedCandle[] = [];
  const keys = new Set<string>();
  for (const e of events) {
    if (e.type === 'market.trade') {
      const trade = e.data as TradePrice;
      if (!awaitsPrice(trade.symbol)) continue;
      if (wave.length > 0) yield { kind: 'wave', candles: wave };
      wave = [];
      keys.clear();
      yield { kind: 'trade', trade };
      continue;
    }
    if (e.type !== 'market.candle.closed') continue;
    const d = e.data as FeedCandle & { incomplete?: boolean; correction?: boolean };
    if (d.correction === true || d.incomplete === true) continue;
    const key = `${d.symbol}\u0000${d.interval}`;
    if (keys.has(key)) {
      yield { kind: 'wave', candles: wave };
      wave = [];
      keys.clear();
    }
    keys.add(key);
    wave.push(d);
  }
  if (wave.length > 0) yield { kind: 'wave', candles: wave };
}

/** The runner's options the prices use. */
export type MarketPricesOptions = Pick<LiveRunnerOptions, 'paper' | 'desk' | 'books'>;

/** A trade a manual market order waits for: the paper venue fills at its price. */
export async function fillOnTrade(o: MarketPricesOptions, trade: TradePrice): Promise<void> {
  await applyAll(o, await o.paper!.onPrice(trade.symbol, trade.price, trade.exchangeTime));
}

/**
 * The venue's updates of one price, applied together: each order's changes stay in order (the desk
 * applies one order's one after the other), different orders' journal writes share a statement
 * (SqlOrderJournal) instead of each waiting for the round trips of the one before.
 */
async function applyAll(o: MarketPricesOptions, orders: readonly Order[]): Promise<void> {
  await Promise.all(orders.map((order) => o.desk.applyUpdate(order)));
}

/**
 * A closed candle's fills, booked and being recorded: the portfolios they touched, and when the
 * desk has journalled them and told their events (a run learns its fill from its event).
 */
export interface Filling {
  portfolios: ReadonlySet<string>;
  recorded: Promise<void>;
}

/** A closed candle as the paper venue's bar: the fill time is its open, as the backtest's (core/engine.ts `#matchOrders`). */
export function paperBar(candle: FeedCandle): PaperBar {
  return {
    symbol: candle.symbol,
    interval: candle.interval,
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: Infinity,
    time: candle.openTime,
  };
}

/**
 * A closed candle: its close fills what waits for a price, its bar fills the working orders of its
 * interval (the venue picks them: a strategy's order fills on its run's execution feed, as in the
 * backtest), the books are marked. The venue fills at once; the desk records the fills after —
 * `recorded`: journalled, their events told, so the portfolio's books and its runs' engines hold
 * them — and the runs of portfolios no fill touched need not wait for those writes
 * (live-runner.ts `#wave`).
 */
export async function fillAndMark(o: MarketPricesOptions, candle: FeedCandle): Promise<Filling> {
  const { symbol } = candle;
  let recorded: Promise<void> = Promise.resolve();
  const portfolios = new Set<string>();
  if (o.paper) {
    // Any closed candle (1 s ones close every second) is a price after what came before it.
    const priced = await o.paper.onPrice(symbol, candle.close, candle.closeTime);
    const barred = await o.paper.onBar(paperBar(candle));
    for (const order of priced) portfolios.add(order.portfolioId);
    for (const order of barred) portfolios.add(order.portfolioId);
    // The price's changes are handed to the desk first: it applies one order's in that order.
    // The books take a fill from its event, once recorded: marked again then, a position the
    // fill opened is at the close, as when the fills were recorded before the mark.
    if (portfolios.size > 0)
      recorded = Promise.all([applyAll(o, priced), applyAll(o, barred)]).then(() =>
        o.books.mark(symbol, candle.close, candle.closeTime),
      );
  }
  o.books.mark(symbol, candle.close, candle.closeTime);
  return { portfolios, recorded };
}

/**
 * The fills of a wave's candles (see {@link fillAndMark}, in the candles' order): the portfolios
 * they touched, and `recorded` once every one is recorded (undefined when none was filled).
 */
export async function fillWave(
  o: MarketPricesOptions,
  candles: readonly FeedCandle[],
): Promise<{ touched: ReadonlySet<string>; recorded: Promise<unknown> | undefined }> {
  const fillings: Filling[] = [];
  try {
    for (const candle of candles) fillings.push(await fillAndMark(o, candle));
  } catch (error) {
    // The candles before it are being recorded: their failures are this one's.
    for (const f of fillings) f.recorded.catch(() => undefined);
    throw error;
  }
  const touched = new Set<string>();
  for (const f of fillings) for (const p of f.portfolios) touched.add(p);
  return { touched, recorded: touched.size === 0 ? undefined : Promise.all(fillings.map((f) => f.recorded)) };
}
