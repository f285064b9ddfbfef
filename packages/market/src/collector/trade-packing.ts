/**
 * @module Trades as packed entries for a worker publisher: the collector writes a validated
 * trade's fields into the publisher's batch buffer (numbers through a DataView, strings byte by
 * byte — nothing allocated), and the publisher's worker, which loads this module by
 * {@link TRADE_CODEC_URL}, builds the `market.trade` event from them: the same envelope and data
 * the collector would have built (`source: collector/<name>`, `time` the collector's clock when
 * it took the trade), only on another thread.
 */
import { createEventSource, type EventEnvelope, type EventSource } from '@tickline/kernel';
import { MarketTrade } from '../candles/events.ts';
import { TradeRecordEncoder, type TradeRecord } from './trade-record.ts';
import type { Trade, TradeSide } from '../port/market-message.ts';

/**
 * The batch buffer of a packed lane; `@tickline/eventlog`'s `BatchBuffer` is one (market does not
 * depend on the eventlog package: the shapes meet in the composition root).
 */
export interface PackedBytes {
  readonly view: DataView;
  readonly bytes: Uint8Array;
  /** Writes `[u16 length][utf-8]` at `offset`; returns the offset after it. */
  writeString(offset: number, value: string): number;
  /** Reads a string written by `writeString` at `cursor.at`, moving it past. */
  readString(cursor: { at: number }): string;
}

/** A publisher that takes packed entries: `@tickline/eventlog`'s worker publisher is one. */
export interface PackedLane {
  /** Room for one entry of at most `maxBytes`, written from {@link PackedLane.offset}. */
  reserve(maxBytes: number): PackedBytes;
  readonly offset: number;
  /** The entry ends at `end`. */
  commit(end: number): void;
}

/** The worker side: eventlog's `PackedCodecReader`. */
export interface PackedTradeReader {
  readonly tag: number;
  read(buf: PackedBytes, cursor: { at: number }): EventEnvelope;
  /** The same event, straight to its encoded record (what the worker uses). */
  readRecord(buf: PackedBytes, cursor: { at: number }): TradeRecord;
}

/** The packed trade's tag (codec tags start at 16). */
export const TRADE_TAG = 32;
/** The module a worker publisher loads to read packed trades (its `codecs` option). */
export const TRADE_CODEC_URL: string = import.meta.url;

const SIDES: readonly TradeSide[] = ['buy', 'sell', 'unknown'];
// tag, then six f64 (now, price, size, exchange time, received at, seq or NaN), then the side.
const FIXED_BYTES = 1 + 6 * 8 + 1;
/** Most bytes a string of `value.length` UTF-16 units takes: length prefix, ≤ 3 bytes per unit. */
const stringBound = (value: string) => 2 + value.length * 3;

/** Publishes `trade` (already validated) through `lane`, stamped with `now` as its event time. */
export function packTrade(lane: PackedLane, source: string, trade: Trade, now: number): void {
  const bound =
    FIXED_BYTES +
    stringBound(source) +
    stringBound(trade.exchange) +
    stringBound(trade.symbol) +
    stringBound(trade.tradeId);
  const buf = lane.reserve(bound);
  const at = lane.offset;
  const view = buf.view;
  buf.bytes[at] = TRADE_TAG;
  view.setFloat64(at + 1, now, true);
  view.setFloat64(at + 9, trade.price, true);
  view.setFloat64(at + 17, trade.size, true);
  view.setFloat64(at + 25, trade.exchangeTime, true);
  view.setFloat64(at + 33, trade.receivedAt, true);
  view.setFloat64(at + 41, trade.seq ?? Number.NaN, true);
  buf.bytes[at + 49] = trade.side === 'buy' ? 0 : trade.side === 'sell' ? 1 : 2;
  let end = buf.writeString(at + FIXED_BYTES, source);
  end = buf.writeString(end, trade.exchange);
  end = buf.writeString(end, trade.symbol);
  end = buf.writeString(end, trade.tradeId);
  lane.commit(end);
}

/** Event sources by collector source name, each stamping events with the packed time. */
const sources = new Map<string, EventSource>();
let packedNow = 0;
const packedClock = { now: () => packedNow, monotonic: () => performance.now() };

function eventsFor(source: string): EventSource {
  let events = sources.get(source);
  if (!events) {
    events = createEventSource({ source: `collector/${source}`, clock: packedClock });
    sources.set(source, events);
  }
  return events;
}

const encoder = new TradeRecordEncoder();

/** Reads a packed trade back into its `market.trade` event or record (in the publisher's worker). */
export const tradeCodec: PackedTradeReader = {
  tag: TRADE_TAG,
  read(buf, cursor) {
    const at = cursor.at;
    const view = buf.view;
    packedNow = view.getFloat64(at + 1, true);
    const price = view.getFloat64(at + 9, true);
    const size = view.getFloat64(at + 17, true);
    const exchangeTime = view.getFloat64(at + 25, true);
    const receivedAt = view.getFloat64(at + 33, true);
    const seq = view.getFloat64(at + 41, true);
    const side = SIDES[buf.bytes[at + 49]!] ?? 'unknown';
    cursor.at = at + FIXED_BYTES;
    const source = buf.readString(cursor);
    const exchange = buf.readString(cursor);
    const symbol = buf.readString(cursor);
    const tradeId = buf.readString(cursor);
    // Field order as validation builds a trade: the encoded event is byte-for-byte the same.
    const trade: Trade = {
      exchange,
      symbol,
      tradeId,
      price,
      size,
      side,
      exchangeTime,
      receivedAt,
      ...(Number.isNaN(seq) ? {} : { seq }),
    };
    return eventsFor(source).create(MarketTrade, { subject: symbol, data: trade });
  },
  readRecord(buf, cursor) {
    return encoder.encode(buf, cursor, cursor.at + FIXED_BYTES);
  },
};

/** What a worker publisher loads from {@link TRADE_CODEC_URL}. */
export const packedCodecs: readonly PackedTradeReader[] = [tradeCodec];
