import {
  ALL_INTERVALS,
  DEFAULT_CANDLE_GRACE_MS,
  DEFAULT_CANDLE_RETENTION_MS,
  DEFAULT_CANDLE_UPDATE_INTERVAL_MS,
  DEFAULT_MAX_FUTURE_MS,
  DEFAULT_MAX_PAST_MS,
  DEFAULT_TRADE_RETENTION_MS,
} from '@tickline/market';
import { describe, expect, it } from 'vitest';
import * as copies from './market-config-schema.ts';

describe('config - market defaults copied into the schema', () => {
  it('defaults - the copies match the market package', () => {
    expect({
      future: copies.MAX_FUTURE_MS,
      past: copies.MAX_PAST_MS,
      grace: copies.CANDLE_GRACE_MS,
      update: copies.CANDLE_UPDATE_INTERVAL_MS,
      intervals: [...copies.CANDLE_INTERVALS],
      trades: copies.TRADE_RETENTION_MS,
      candles: copies.CANDLE_RETENTION_MS,
    }).toEqual({
      future: DEFAULT_MAX_FUTURE_MS,
      past: DEFAULT_MAX_PAST_MS,
      grace: DEFAULT_CANDLE_GRACE_MS,
      update: DEFAULT_CANDLE_UPDATE_INTERVAL_MS,
      intervals: [...ALL_INTERVALS],
      trades: DEFAULT_TRADE_RETENTION_MS,
      candles: DEFAULT_CANDLE_RETENTION_MS,
    });
  });
});
