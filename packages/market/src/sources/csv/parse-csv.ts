/**
 * @module CSV rows → normalized trades or candles. Columns come from the header (names matched
 * case-insensitively, several spellings accepted); CRLF and quoted fields are tolerated. A bad
 * row gives a reason, never an exception: replay goes on.
 */
import { MarketError } from '../../port/errors.ts';
import type { Candle, CandleInterval, Trade } from '../../port/market-message.ts';
import { isCandleInterval } from '../../candles/intervals.ts';
import { parseDecimal, parseTimestampMs } from '../../normalize/parse-number.ts';
import { validateTrade } from '../../normalize/validate-trade.ts';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import { INTERVAL_MS } from '../../candles/intervals.ts';

const ALIASES = {
  time: ['time', 'timestamp', 'ts', 'exchange_time', 'trade_time', 'datetime', 'date'],
  price: ['price', 'p'],
  size: ['size', 'qty', 'quantity', 'amount', 'volume_base', 'q'],
  side: ['side', 'taker_side'],
  buyerMaker: ['is_buyer_maker', 'isbuyermaker', 'buyer_maker'],
  id: ['id', 'trade_id', 'tradeid'],
  symbol: ['symbol', 'pair', 'market'],
  exchange: ['exchange', 'venue'],
  openTime: ['open_time', 'opentime', 'open time'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'v', 'vol'],
  quoteVolume: ['quote_volume', 'quote_asset_volume', 'quotevolume'],
  trades: ['trades', 'count', 'number_of_trades'],
  interval: ['interval'],
} as const;
type Field = keyof typeof ALIASES;

/** Splits one CSV line; handles `"a,b"` and `""` escapes and a trailing `\r`. */
export function splitCsvLine(line: string): string[] {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (!text.includes('"')) return text.split(',').map((s) => s.trim());
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Defaults for rows that do not name their symbol, exchange or interval. */
export interface CsvDefaults {
  exchange: string;
  symbol?: string;
  interval?: CandleInterval;
  /** `receivedAt` for trades (the replay clock). */
  now: () => number;
}

export type CsvRow =
  | { ok: true; value: { kind: 'trade'; trade: Trade } | { kind: 'candle'; candle: Candle } }
  | { ok: false; reason: string };

/** A header-bound row parser. */
export interface CsvLayout {
  readonly kind: 'trade' | 'candle';
  parse(cells: readonly string[], defaults: CsvDefaults, line: number): CsvRow;
}

/** Reads the header; throws `MARKET_CSV_HEADER` when neither a trade nor a candle layout fits. */
export function readCsvHeader(header: string): CsvLayout {
  const names = splitCsvLine(header).map((h) => h.toLowerCase().replace(/^\uFEFF/, ''));
  const col = {} as Record<Field, number>;
  for (const field of Object.keys(ALIASES) as Field[]) {
    col[field] = names.findIndex((n) => (ALIASES[field] as readonly string[]).includes(n));
  }
  const has = (...fields: Field[]): boolean => fields.every((f) => col[f] >= 0);
  const cell = (cells: readonly string[], f: Field): string | undefined =>
    col[f] >= 0 ? cells[col[f]] : undefined;
  if (has('openTime', 'open', 'high', 'low', 'close', 'volume')) {
    return { kind: 'candle', parse: (cells, d) => parseCandle(d, (f) => cell(cells, f)) };
  }
  if (has('time', 'price', 'size')) {
    return { kind: 'trade', parse: (cells, d, line) => parseTrade(d, line, (f) => cell(cells, f)) };
  }
  throw new MarketError(
    'MARKET_CSV_HEADER',
    `no trade or candle columns in header: ${header.slice(0, 200)}`,
    {
      details: { header: names },
    },
  );
}

/** Binance's `is_buyer_maker`: a maker buyer means the taker sold. */
function takerSide(buyerMaker: string | undefined): string | undefined {
  if (buyerMaker === undefined) return undefined;
  const b = buyerMaker.toLowerCase();
  return b === 'true' ? 'sell' : b === 'false' ? 'buy' : buyerMaker;
}

function parseTrade(d: CsvDefaults, line: number, get: (f: Field) => string | undefined): CsvRow {
  const exchange = get('exchange') || d.exchange;
  const symbol = get('symbol') || d.symbol;
  if (!symbol) return { ok: false, reason: 'symbol_missing' };
  const now = d.now();
  const r = validateTrade(
    {
      exchange,
      symbol,
      tradeId: get('id') || `line-${line}`,
      price: get('price'),
      size: get('size'),
      side: get('side') ?? takerSide(get('buyerMaker')),
      exchangeTime: get('time'),
      receivedAt: now,
    },
    // Replays are historical by definition: the age and future checks do not apply.
    { maxPastMs: Number.POSITIVE_INFINITY, maxFutureMs: Number.POSITIVE_INFINITY },
  );
  return r.ok ? { ok: true, value: { kind: 'trade', trade: r.trade } } : { ok: false, reason: r.reason };
}

function parseCandle(d: CsvDefaults, get: (f: Field) => string | undefined): CsvRow {
  const exchange = get('exchange') || d.exchange;
  const rawSymbol = get('symbol') || d.symbol;
  const symbol = rawSymbol ? toCanonicalSymbol(exchange, rawSymbol) : null;
  if (!symbol) return { ok: false, reason: 'symbol_malformed' };
  const interval = get('interval') || d.interval;
  if (!interval || !isCandleInterval(interval)) return { ok: false, reason: 'interval_invalid' };
  const openTime = parseTimestampMs(get('openTime'));
  if (!Number.isFinite(openTime)) return { ok: false, reason: 'time_invalid' };
  const [open, high, low, close, volume] = (['open', 'high', 'low', 'close', 'volume'] as const).map((f) =>
    parseDecimal(get(f)),
  ) as [number, number, number, number, number];
  if (![open, high, low, close].every((x) => Number.isFinite(x) && x > 0))
    return { ok: false, reason: 'price_invalid' };
  if (!(Number.isFinite(volume) && volume >= 0)) return { ok: false, reason: 'volume_invalid' };
  if (high < Math.max(open, close, low) || low > Math.min(open, close))
    return { ok: false, reason: 'ohlc_inconsistent' };
  const qv = get('quoteVolume');
  const tr = get('trades');
  const candle: Candle = {
    exchange,
    symbol,
    interval,
    openTime,
    closeTime: openTime + INTERVAL_MS[interval],
    open,
    high,
    low,
    close,
    volume,
    quoteVolume: qv ? parseDecimal(qv) : volume * close,
    trades: tr ? Number.parseInt(tr, 10) : 0,
    incomplete: false,
    revision: 0,
  };
  return { ok: true, value: { kind: 'candle', candle } };
}
