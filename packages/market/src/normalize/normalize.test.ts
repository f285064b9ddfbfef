import { createMetricsRegistry } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { parseDecimal, parseTimestampMs } from './parse-number.ts';
import { parseEquitySymbol } from './equity-symbols.ts';
import { isCanonicalSymbol, toCanonicalSymbol, toVenueSymbol } from './symbols.ts';
import { createTradeValidator } from './trade-validator.ts';
import { validateTrade, type RawTrade } from './validate-trade.ts';
import type { Trade } from '../port/market-message.ts';

const NOW = Date.UTC(2024, 2, 15, 12);
const base: RawTrade = {
  exchange: 'binance',
  symbol: 'btcusdt',
  tradeId: 123,
  price: '67000.10',
  size: '0.005',
  side: 'buy',
  exchangeTime: NOW - 100,
  receivedAt: NOW,
};

describe('normalize', () => {
  it.each([
    ['binance', 'btcusdt', 'BTC-USDT'],
    ['binance', 'ETHBTC', 'ETH-BTC'],
    ['binance', 'solfdusd', 'SOL-FDUSD'],
    ['binance', 'usdt', null],
    ['upbit', 'KRW-BTC', 'BTC-KRW'],
    ['upbit', 'KRW-BTC-X', null],
    ['coinbase', 'BTC-USD', 'BTC-USD'],
    ['csv', 'eth/usdt', 'ETH-USDT'],
    ['csv', 'ETH_USDT', 'ETH-USDT'],
    ['csv', 'btcusdt', 'BTC-USDT'],
    ['csv', 'BTC--USDT', null],
    ['csv', '', null],
    ['alpaca', 'aapl', 'AAPL.US'],
    ['alpaca', 'BRK.B', 'BRK.B.US'],
    ['alpaca', 'AAPL.US', 'AAPL.US'],
    ['alpaca', 'AAPL?', null],
    ['kis', '005930', '005930.KS'],
    ['kis', '5930', null],
    ['csv', 'aapl.us', 'AAPL.US'],
    ['csv', '005930.KS', '005930.KS'],
  ] as const)('symbols - %s %j → %j', (exchange, raw, expected) => {
    expect(toCanonicalSymbol(exchange, raw)).toBe(expected);
  });

  it('symbols - venue spelling round-trips', () => {
    expect(toVenueSymbol('binance', 'BTC-USDT')).toBe('btcusdt');
    expect(toVenueSymbol('upbit', 'BTC-KRW')).toBe('KRW-BTC');
    expect(toVenueSymbol('coinbase', 'BTC-USD')).toBe('BTC-USD');
  });

  it('symbols - shares carry their exchange and currency', () => {
    expect(toVenueSymbol('alpaca', 'BRK.B.US')).toBe('BRK.B');
    expect(toVenueSymbol('kis', '005930.KS')).toBe('005930');
    expect(parseEquitySymbol('AAPL.US')).toEqual({ ticker: 'AAPL', exchange: 'US', currency: 'USD' });
    expect(parseEquitySymbol('005930.KS')).toEqual({ ticker: '005930', exchange: 'KS', currency: 'KRW' });
    expect(parseEquitySymbol('AAPL.KS')).toBeNull(); // KRX codes are six digits
    expect(parseEquitySymbol('AAPL.XX')).toBeNull();
    expect(isCanonicalSymbol('005930.KS')).toBe(true);
    expect(isCanonicalSymbol('BTC-USDT')).toBe(true);
    expect(isCanonicalSymbol('aapl.us')).toBe(false);
  });

  it.each([
    ['67000.10', 67000.1],
    [' 1e-3 ', 0.001],
    [42, 42],
    ['', NaN],
    ['0x10', NaN],
    ['1,5', NaN],
    [null, NaN],
    [true, NaN],
    ['.5', 0.5],
    ['5.', 5],
    ['.', NaN],
    ['1e', NaN],
    ['-1.5E+3', -1500],
    ['1'.repeat(40_000), NaN], // a 40k-digit "price" is refused by length, not read as Infinity
  ] as const)('numbers - parseDecimal(%j) = %d', (input, expected) => {
    expect(parseDecimal(input)).toBe(expected);
  });

  it('numbers - long digit runs are refused in linear time (the old regex took 4.8 s on 40k digits)', () => {
    // Both shapes made the backtracking regex quadratic; a generous bound, far above linear cost.
    const started = performance.now();
    for (const text of ['1'.repeat(400_000) + 'x', '1'.repeat(400_000) + '.' + '1'.repeat(400_000) + 'x'])
      expect(parseDecimal(text)).toBeNaN();
    expect(parseTimestampMs('1'.repeat(400_000) + 'x')).toBeNaN();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('numbers - timestamps in s, ms, µs, ns and ISO all become ms', () => {
    expect(parseTimestampMs(1710504000)).toBe(1710504000000);
    expect(parseTimestampMs(1710504000123)).toBe(1710504000123);
    expect(parseTimestampMs('1710504000123456')).toBe(1710504000123);
    expect(parseTimestampMs(1710504000123456789n.toString())).toBe(1710504000123);
    expect(parseTimestampMs('2024-03-15T12:00:00.123Z')).toBe(1710504000123);
    expect(parseTimestampMs('yesterday')).toBeNaN();
  });

  it('validation - a good trade normalizes symbol, numbers, id and side', () => {
    expect(validateTrade({ ...base, seq: 9 })).toEqual({
      ok: true,
      trade: {
        exchange: 'binance',
        symbol: 'BTC-USDT',
        tradeId: '123',
        price: 67000.1,
        size: 0.005,
        side: 'buy',
        exchangeTime: NOW - 100,
        receivedAt: NOW,
        seq: 9,
      },
    });
    expect(validateTrade({ ...base, side: undefined })).toMatchObject({
      ok: true,
      trade: { side: 'unknown' },
    });
  });

  it.each([
    ['symbol_malformed', { symbol: '???' }],
    ['symbol_unknown', { symbol: 'ethusdt' }],
    ['trade_id_missing', { tradeId: '' }],
    ['price_not_finite', { price: 'NaN' }],
    ['price_not_finite', { price: Infinity }],
    ['price_not_positive', { price: '0' }],
    ['price_not_positive', { price: -1 }],
    ['size_not_finite', { size: 'abc' }],
    ['size_not_positive', { size: 0 }],
    ['side_invalid', { side: 'long' }],
    ['side_invalid', { side: 1 }],
    ['time_invalid', { exchangeTime: 'never' }],
    ['time_in_future', { exchangeTime: NOW + 5_001 }],
    ['time_too_old', { exchangeTime: NOW - 86_400_001 }],
  ] as const)('validation - rejects with %s: %j', (reason, change) => {
    expect(validateTrade({ ...base, ...change }, { knownSymbols: new Set(['BTC-USDT']) })).toEqual({
      ok: false,
      reason,
    });
  });

  it('validation - the bounds themselves are accepted', () => {
    expect(validateTrade({ ...base, exchangeTime: NOW + 5_000 }).ok).toBe(true);
    expect(validateTrade({ ...base, exchangeTime: NOW - 86_400_000 }).ok).toBe(true);
    expect(validateTrade({ ...base, exchangeTime: NOW + 60_000 }, { maxFutureMs: 60_000 }).ok).toBe(true);
  });

  it('validator - counts rejections by reason, in memory and in Prometheus', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const v = createTradeValidator({ metrics });
    v.validate(base);
    v.validate({ ...base, price: -1 });
    v.validate({ ...base, price: 0 });
    v.validate({ ...base, size: 'x' });
    expect(v.accepted()).toBe(1);
    expect(v.rejected()).toEqual({ price_not_positive: 2, size_not_finite: 1 });
    const text = await metrics.metrics();
    expect(text).toContain(
      'tickline_market_trades_rejected_total{exchange="binance",reason="price_not_positive"} 2',
    );
  });

  it('accepts - a trade already in form passes as it is exactly when validation would return it unchanged', () => {
    const good: Trade = {
      exchange: 'binance',
      symbol: 'BTC-USDT',
      tradeId: '9',
      price: 67_000.1,
      size: 0.005,
      side: 'sell',
      exchangeTime: NOW - 100,
      receivedAt: NOW,
    };
    const variants: Trade[] = [
      good,
      { ...good, seq: 4 },
      { ...good, exchange: 'upbit', symbol: 'BTC-KRW' },
      { ...good, exchange: 'coinbase', symbol: 'BTC-USD', side: 'unknown' },
      { ...good, symbol: 'BTC-XYZ' }, // binance cannot spell an unknown quote back
      { ...good, symbol: 'btc-usdt' },
      { ...good, tradeId: '' },
      { ...good, price: 0 },
      { ...good, size: Number.POSITIVE_INFINITY },
      { ...good, side: 'BUY' as never },
      { ...good, exchangeTime: (NOW - 100) / 1000 }, // seconds: validation rescales it
      { ...good, exchangeTime: NOW + 60_000 },
      { ...good, symbol: 'ETH-USDT' }, // not among the known symbols
    ];
    const rules = { knownSymbols: new Set(['BTC-USDT', 'BTC-KRW', 'BTC-USD', 'BTC-XYZ']) };
    for (const trade of variants) {
      const validator = createTradeValidator(rules);
      const result = validateTrade({ ...trade, symbol: toVenueSymbol(trade.exchange, trade.symbol) }, rules);
      const unchanged = result.ok && JSON.stringify(result.trade) === JSON.stringify(trade);
      expect(validator.accepts(trade), JSON.stringify(trade)).toBe(unchanged);
      expect(validator.accepted()).toBe(unchanged ? 1 : 0);
    }
    expect(createTradeValidator(rules).accepts(good)).toBe(true);
  });
});
