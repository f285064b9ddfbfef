/**
 * @module A packed trade straight to its log record, in the publisher's worker: the `market.trade`
 * envelope is written as MessagePack into a slab, byte for byte from the packed fields, with no
 * envelope object, no data object and no general-purpose encoder. What `decodeEvent` reads back is
 * equal to what `encodeEvent` of the envelope `createEventSource` builds (same attributes, same
 * order; numbers as float64 or uint32). Strings the record needs (id, key) are made; the venue's
 * strings are copied as bytes.
 */
import { EVENT_ENCODING_VERSION, uuidv7 } from '@tickline/kernel';
import { MarketTrade } from '../candles/events.ts';

/** A log record as `@tickline/eventlog` appends it (its `AppendRecord`). */
export interface TradeRecord {
  id: string;
  key: string;
  type: string;
  time: number;
  payload: Uint8Array;
}

/** The packed batch as the encoder reads it. */
interface PackedSource {
  readonly view: DataView;
  readonly bytes: Uint8Array;
}

/** Payloads are cut from slabs this big; a slab is garbage once its records are written. */
const SLAB_BYTES = 256 * 1024;
const SOURCE_PREFIX = 'collector/';
/** Symbols and source names are few: recent ones are kept as strings, matched by their bytes. */
const NAME_CACHE_SIZE = 64;

/** MessagePack of constant parts: keys, and strings that never change. */
function packed(...parts: Array<string | number>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else {
      const bytes = Buffer.from(part, 'utf8');
      if (bytes.length < 32) out.push(0xa0 | bytes.length);
      else out.push(0xd9, bytes.length);
      out.push(...bytes);
    }
  }
  return Uint8Array.from(out);
}

// The envelope in createEventSource's attribute order; `source` is `collector/<name>`.
const HEAD = packed(EVENT_ENCODING_VERSION, 0x80 | 9, 'id');
const TYPE_TO_SOURCE = packed('type', MarketTrade.type, 'source');
const SUBJECT = packed('subject');
const TIME = packed('time');
const SEQ = packed('seq');
const PARTITION_KEY = packed('partitionkey');
const SCHEMA_TO_DATA = packed('dataschema', MarketTrade.dataschema, 'data');
const EXCHANGE = packed('exchange');
const SYMBOL = packed('symbol');
const TRADE_ID = packed('tradeId');
const PRICE = packed('price');
const SIZE = packed('size');
const SIDE = [packed('side', 'buy'), packed('side', 'sell'), packed('side', 'unknown')] as const;
const EXCHANGE_TIME = packed('exchangeTime');
const RECEIVED_AT = packed('receivedAt');

/** Writes MessagePack into slabs. */
class SlabWriter {
  buf = Buffer.allocUnsafeSlow(SLAB_BYTES);
  at = 0;
  start = 0;

  /** Room for an entry of at most `bytes`; starts it. */
  begin(bytes: number): void {
    if (this.at + bytes > this.buf.length) {
      this.buf = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes));
      this.at = 0;
    }
    this.start = this.at;
  }

  end(): Uint8Array {
    // A plain view: cheaper to make than a Buffer's subarray, and all the log needs.
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.start, this.at - this.start);
  }

  byte(value: number): void {
    this.buf[this.at++] = value;
  }

  strHeader(length: number): void {
    if (length < 32) this.byte(0xa0 | length);
    else if (length < 256) {
      this.byte(0xd9);
      this.byte(length);
    } else {
      this.byte(0xda);
      this.buf.writeUInt16BE(length, this.at);
      this.at += 2;
    }
  }

  /** Pre-encoded bytes (the envelope's constant parts). */
  raw(bytes: Uint8Array): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i]!;
    this.at = at;
  }

  /** A string of ASCII characters (an id, a time text). */
  ascii(value: string): void {
    const n = value.length;
    this.strHeader(n);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i++) buf[at++] = value.charCodeAt(i);
    this.at = at;
  }

  /** A string given as utf-8 bytes of the packed batch. */
  strBytes(from: Uint8Array, start: number, length: number): void {
    this.strHeader(length);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < length; i++) buf[at++] = from[start + i]!;
    this.at = at;
  }

  f64(value: number): void {
    this.byte(0xcb);
    this.buf.writeDoubleBE(value, this.at);
    this.at += 8;
  }

  u32(value: number): void {
    this.byte(0xce);
    this.buf.writeUInt32BE(value, this.at);
    this.at += 4;
  }
}

/** Strings by their bytes, for the few names that repeat on every trade. */
class NameCache {
  readonly #entries: Array<{ bytes: Uint8Array; text: string }> = [];

  get(from: Uint8Array, start: number, length: number): string {
    for (const entry of this.#entries) {
      const b = entry.bytes;
      if (b.length !== length) continue;
      let i = 0;
      while (i < length && b[i] === from[start + i]) i++;
      if (i === length) return entry.text;
    }
    const text = Buffer.from(from.buffer, from.byteOffset + start, length).toString('utf8');
    if (this.#entries.length < NAME_CACHE_SIZE)
      this.#entries.push({ bytes: Uint8Array.prototype.slice.call(from, start, start + length), text });
    return text;
  }
}

/** Encodes packed trades of any number of sources as `market.trade` records. */
export class TradeRecordEncoder {
  readonly #out = new SlabWriter();
  readonly #names = new NameCache();
  /** Per source name: the last seq it used (as `createEventSource` counts). */
  readonly #seqs = new Map<string, { seq: number }>();
  #lastMs = Number.NaN;
  #lastTime = '';

  /**
   * Reads the packed trade whose tag is at `cursor.at` and whose strings start at `stringsAt`
   * (see trade-packing.ts); returns its record and leaves `cursor.at` after the entry.
   */
  encode(src: PackedSource, cursor: { at: number }, stringsAt: number): TradeRecord {
    const at = cursor.at;
    const view = src.view;
    const bytes = src.bytes;
    const now = view.getFloat64(at + 1, true);
    // The four strings: source, exchange, symbol, trade id.
    const sourceLength = view.getUint16(stringsAt, true);
    const sourceAt = stringsAt + 2;
    const exchangeLength = view.getUint16(sourceAt + sourceLength, true);
    const exchangeAt = sourceAt + sourceLength + 2;
    const symbolLength = view.getUint16(exchangeAt + exchangeLength, true);
    const symbolAt = exchangeAt + exchangeLength + 2;
    const tradeIdLength = view.getUint16(symbolAt + symbolLength, true);
    const tradeIdAt = symbolAt + symbolLength + 2;
    const end = tradeIdAt + tradeIdLength;

    const source = this.#names.get(bytes, sourceAt, sourceLength);
    const symbol = this.#names.get(bytes, symbolAt, symbolLength);
    let counter = this.#seqs.get(source);
    if (!counter) this.#seqs.set(source, (counter = { seq: 0 }));
    const seq = ++counter.seq;
    if (now !== this.#lastMs) {
      this.#lastMs = now;
      this.#lastTime = new Date(now).toISOString();
    }
    const id = uuidv7(now);
    const venueSeq = view.getFloat64(at + 41, true);
    const hasSeq = !Number.isNaN(venueSeq);

    const out = this.#out;
    // Strings at most 3 bytes per unit plus headers; numbers 9 bytes; keys fixed.
    out.begin(320 + 3 * (2 * sourceLength + exchangeLength + 3 * symbolLength + tradeIdLength));
    out.raw(HEAD);
    out.ascii(id);
    out.raw(TYPE_TO_SOURCE);
    out.strHeader(SOURCE_PREFIX.length + sourceLength);
    for (let i = 0; i < SOURCE_PREFIX.length; i++) out.byte(SOURCE_PREFIX.charCodeAt(i));
    for (let i = 0; i < sourceLength; i++) out.byte(bytes[sourceAt + i]!);
    out.raw(SUBJECT);
    out.strBytes(bytes, symbolAt, symbolLength);
    out.raw(TIME);
    out.ascii(this.#lastTime);
    out.raw(SEQ);
    out.u32(seq);
    out.raw(PARTITION_KEY);
    out.strBytes(bytes, symbolAt, symbolLength);
    out.raw(SCHEMA_TO_DATA);
    out.byte(0x80 | (hasSeq ? 9 : 8));
    out.raw(EXCHANGE);
    out.strBytes(bytes, exchangeAt, exchangeLength);
    out.raw(SYMBOL);
    out.strBytes(bytes, symbolAt, symbolLength);
    out.raw(TRADE_ID);
    out.strBytes(bytes, tradeIdAt, tradeIdLength);
    out.raw(PRICE);
    out.f64(view.getFloat64(at + 9, true));
    out.raw(SIZE);
    out.f64(view.getFloat64(at + 17, true));
    out.raw(SIDE[bytes[at + 49]!] ?? SIDE[2]);
    out.raw(EXCHANGE_TIME);
    out.f64(view.getFloat64(at + 25, true));
    out.raw(RECEIVED_AT);
    out.f64(view.getFloat64(at + 33, true));
    if (hasSeq) {
      out.raw(SEQ);
      out.f64(venueSeq);
    }
    cursor.at = end;
    return { id, key: symbol, type: MarketTrade.type, time: now, payload: out.end() };
  }
}
