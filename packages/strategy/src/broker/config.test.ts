import { describe, expect, it } from 'vitest';
import { BrokerConfigSchema } from './config.ts';

describe('broker config', () => {
  it('defaults to live trading off on the testnet URL, with platform risk defaults', () => {
    expect(BrokerConfigSchema.parse({})).toEqual({
      binance: {
        enabled: false,
        baseUrl: 'https://testnet.binance.vision',
        recvWindowMs: 5_000,
        requestTimeoutMs: 10_000,
        timeSyncIntervalMs: 600_000,
        lookupBeforePlace: true,
      },
      risk: {
        maxPositionValue: 0,
        maxOrderNotional: 0,
        maxDailyLoss: 0,
        maxOrdersPerMinute: 60,
        maxPositionPercent: 125,
        maxDailyLossPercent: 10,
      },
    });
  });

  it('refuses unknown keys and bad values', () => {
    expect(BrokerConfigSchema.safeParse({ binance: { enabeld: true } }).success).toBe(false);
    expect(BrokerConfigSchema.safeParse({ binance: { baseUrl: 'not a url' } }).success).toBe(false);
    expect(BrokerConfigSchema.safeParse({ risk: { maxDailyLoss: -1 } }).success).toBe(false);
  });
});
