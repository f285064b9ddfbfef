import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import { createHttpApp, type TrustProxy } from './app.ts';
import { PUBLIC_ROUTE } from './route-scopes.ts';

async function clientIp(trustProxy: TrustProxy, xff: string | undefined, remoteAddress = '10.0.0.5') {
  const app = createHttpApp({
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    health: () => ({}),
    trustProxy,
    docs: false,
  });
  app.get('/ip', PUBLIC_ROUTE, async (request) => ({ ip: request.ip }));
  const response = await app.inject({
    method: 'GET',
    url: '/ip',
    remoteAddress,
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  });
  await app.close();
  return response.json<{ ip: string }>().ip;
}

describe('trust proxy', () => {
  it('client address - off: the socket, whatever X-Forwarded-For says', async () => {
    expect(await clientIp(false, '1.2.3.4')).toBe('10.0.0.5');
  });

  it('client address - one hop: the entry our proxy added, not the left-most a client forged', async () => {
    expect(await clientIp(1, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await clientIp(2, '6.6.6.6, 203.0.113.7, 10.0.0.9')).toBe('203.0.113.7');
  });

  it('client address - by proxy addresses: only trusted peers are skipped', async () => {
    expect(await clientIp(['10.0.0.0/8'], '6.6.6.6, 203.0.113.7, 10.0.0.9')).toBe('203.0.113.7');
    // A peer that is not a trusted proxy is the client, whatever it forwards.
    expect(await clientIp(['10.0.0.0/8'], '6.6.6.6', '198.51.100.1')).toBe('198.51.100.1');
  });

  it('config - a hop count, a list or comma-separated addresses; true is refused', () => {
    const load = (value: string) => loadTicklineConfig({ env: { TICKLINE_HTTP_TRUST_PROXY: value } });
    expect(load('2').http.trustProxy).toBe(2);
    expect(load('10.0.0.0/8, loopback').http.trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    expect(load('false').http.trustProxy).toBe(false);
    expect(() => load('true')).toThrow(/left-most X-Forwarded-For/);
    expect(() => load('not an address')).toThrow();
  });
});
