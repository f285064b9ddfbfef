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

const SIDE_TEXT = ['buy', 'sell', 'unknown'] as const;

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
    return this.buf.subarray(this.start, this.at);
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

  /** An ASCII string (keys and texts Tickline makes); anything else goes through utf-8. */
  str(value: string): void {
    const n = value.length;
    let ascii = true;
    for (let i = 0; i < n && ascii; i++) ascii = value.charCodeAt(i) < 0x80;
    if (!ascii) {
      const length = Buffer.byteLength(value);
      this.strHeader(length);
      this.at += this.buf.write(value, this.at, 'utf8');
      return;
    }
    this.strHeader(n);
    for (let i = 0; i < n; i++) this.buf[this.at++] = value.charCodeAt(i);
  }

  /** A string given as utf-8 bytes of the packed batch. */
  strBytes(from: Uint8Array, start: number, length: number): void {
    this.strHeader(length);
    this.buf.set(from.subarray(start, start + length), this.at);
    this.at += length;
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
    out.byte(EVENT_ENCODING_VERSION);
    out.byte(0x80 | 9);
    out.str('id');
    out.str(id);
    out.str('type');
    out.str(MarketTrade.type);
    out.str('source');
    out.strHeader(SOURCE_PREFIX.length + sourceLength);
    for (let i = 0; i < SOURCE_PREFIX.length; i++) out.byte(SOURCE_PREFIX.charCodeAt(i));
    out.buf.set(bytes.subarray(sourceAt, sourceAt + sourceLength), out.at);
    out.at += sourceLength;
    out.str('subject');
    out.strBytes(bytes, symbolAt, symbolLength);
    out.str('time');
    out.str(this.#lastTime);
    out.str('seq');
    out.u32(seq);
    out.str('partitionkey');
    out.strBytes(bytes, symbolAt, symbolLength);
    out.str('dataschema');
    out.str(MarketTrade.dataschema);
    out.str('data');
    out.byte(0x80 | (hasSeq ? 9 : 8));
    out.str('exchange');
    out.strBytes(bytes, exchangeAt, exchangeLength);
    out.str('symbol');
    out.strBytes(bytes, symbolAt, symbolLength);
    out.str('tradeId');
    out.strBytes(bytes, tradeIdAt, tradeIdLength);
    out.str('price');
    out.f64(view.getFloat64(at + 9, true));
    out.str('size');
    out.f64(view.getFloat64(at + 17, true));
    out.str('side');
    out.str(SIDE_TEXT[bytes[at + 49]!] ?? 'unknown');
    out.str('exchangeTime');
    out.f64(view.getFloat64(at + 25, true));
    out.str('receivedAt');
    out.f64(view.getFloat64(at + 33, true));
    if (hasSeq) {
      out.str('seq');
      out.f64(venueSeq);
    }
    cursor.at = end;
    return { id, key: symbol, type: MarketTrade.type, time: now, payload: out.end() };
  }
}
