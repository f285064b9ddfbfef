import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { openMarketReadCache } from './market-read-cache-service.ts';

const base = { metrics: createMetricsRegistry({ processMetrics: false }), logger: silentLogger };
const redis = { keyPrefix: 't:', commandTimeoutMs: 50 };

describe('market read cache service', () => {
  it('store - memory on the embedded default, where the projection shares the process', async () => {
    const { cache, service } = openMarketReadCache({ ...base, role: 'all', redis });
    expect(cache).toBeDefined();
    expect(service).toBeUndefined();
    let loads = 0;
    const load = async () => (loads++, []);
    await cache!.candles({ symbol: 'BTC-USDT', interval: '1m' }, load);
    await cache!.candles({ symbol: 'BTC-USDT', interval: '1m' }, load);
    expect(loads).toBe(1);
    await cache!.invalidateCandles([{ symbol: 'BTC-USDT', interval: '1m' }]);
    await cache!.candles({ symbol: 'BTC-USDT', interval: '1m' }, load);
    expect(loads).toBe(2);
  });

  it('store - none on a scaled role without Redis: it would never hear invalidations from elsewhere', () => {
    for (const role of ['gateway', 'platform'])
      expect(openMarketReadCache({ ...base, role, redis }).cache).toBeUndefined();
  });

  it('store - Redis when configured: reads fall back to the loader while it is unreachable', async () => {
    const { cache, service } = openMarketReadCache({
      ...base,
      role: 'gateway',
      redis: { ...redis, url: 'redis://127.0.0.1:1' },
    });
    await service!.start({ logger: silentLogger, fail: () => {} });
    try {
      expect(service!.health().status).toBe('degraded');
      expect(await cache!.candles({ symbol: 'X', interval: '1m' }, async () => [])).toEqual([]);
    } finally {
      await service!.stop();
    }
  });
});
