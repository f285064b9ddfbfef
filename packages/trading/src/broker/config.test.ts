import { describe, expect, it } from 'vitest';
import { VenuesConfigSchema } from './config.ts';

describe('venues config', () => {
  it('venues config - defaults to Binance off, on the test network, permissions from apiRestrictions', () => {
    expect(VenuesConfigSchema.parse({})).toEqual({
      binance: {
        enabled: false,
        baseUrl: 'https://testnet.binance.vision',
        wsApiUrl: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
        recvWindowMs: 5_000,
        requestTimeoutMs: 10_000,
        timeSyncIntervalMs: 600_000,
        lookupBeforePlace: true,
        keyPermissions: 'api-restrictions',
        streamReconnectMs: 500,
      },
    });
  });

  it('venues config - refuses unknown keys and bad values', () => {
    expect(VenuesConfigSchema.safeParse({ binance: { enabeld: true } }).success).toBe(false);
    expect(VenuesConfigSchema.safeParse({ binance: { baseUrl: 'not a url' } }).success).toBe(false);
    expect(VenuesConfigSchema.safeParse({ binance: { recvWindowMs: 60_001 } }).success).toBe(false);
  });

  it('venues config - the account check, blind to withdrawals, is refused outside the test network', () => {
    const production = VenuesConfigSchema.safeParse({
      binance: { baseUrl: 'https://api.binance.com', keyPermissions: 'account' },
    });
    expect(production.success).toBe(false);
    expect(production.error?.issues[0]?.path).toEqual(['binance', 'keyPermissions']);
    expect(VenuesConfigSchema.safeParse({ binance: { keyPermissions: 'account' } }).success).toBe(true);
  });
});
