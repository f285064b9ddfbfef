/**
 * Several gateway processes on one port (`http.reusePort`, Linux SO_REUSEPORT), as a machine runs
 * them to spread the real-time fan-out over its cores: two `gateway` processes listen on the same
 * port, sharing a nats-server log and PostgreSQL with a `collector` process whose market simulator trades
 * and a `platform` process whose channel relay puts the trades on the delivery log.
 * Stream subscribers all dial that one port; the kernel gives each connection to one of the two,
 * each process counts its own on its admin listener, and every subscriber gets live trades from
 * the log whichever process holds it. A process that does not set the flag cannot bind the port.
 */
import { freePort, until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventSource, signUpAndIn, streamTicket, type StreamClient } from '../testing/api-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const SUBSCRIBERS = 40;
const CHANNEL = 'market:BTC-USDT:trades';
const { available, reason } = scaledClusterDependencies();
const clients: StreamClient[] = [];
let cluster: ScaledCluster | undefined;
let port = 0;

beforeAll(async () => {
  if (!available) return;
  port = await freePort();
  cluster = await startScaledCluster({
    name: 'reuse_port',
    stream: 'REUSEPORT',
    authSecret: 'reuse-port-shared-secret-0123456789abcdef',
    env: {
      TICKLINE_MARKET_SOURCES: JSON.stringify([
        { kind: 'simulator', tradesPerSecond: 10, markets: [{ symbol: 'BTC-USDT', startPrice: 60_000 }] },
      ]),
      TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
      // One user holds every subscriber (the free tier's 3 per process would refuse the rest).
      TICKLINE_AUTH_TIERS_FREE_MAX_STREAM_CONNECTIONS: String(SUBSCRIBERS),
    },
  });
}, 120_000);
afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

/** The admin listener's port, from the process's own log line. */
function adminPort(server: ClusterProcess): number {
  const line = server.logLines().find((l) => typeof l.msg === 'string' && l.msg.startsWith('admin listener'));
  return line!.port as number;
}

/** Open server-sent-event connections this process holds, from its own /metrics. */
async function openSse(server: ClusterProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort(server)}/metrics`)).text();
  const match = /^tickline_realtime_connections\{[^}]*transport="sse"[^}]*\} (\d+)/m.exec(text);
  return Number(match?.[1] ?? 0);
}

describe.skipIf(!available)(`reuse port - two gateways on one port (${reason})`, () => {
  it('reuse port - both gateways take connections on the one port; every subscriber gets live trades; without the flag the port is refused', async () => {
    const shared = { TICKLINE_HTTP_PORT: String(port), TICKLINE_ADMIN_LISTEN_PORT: '0' };
    const gateways = await Promise.all([
      cluster!.start('gateway', { ...shared, TICKLINE_HTTP_REUSE_PORT: 'true' }),
      cluster!.start('gateway', { ...shared, TICKLINE_HTTP_REUSE_PORT: 'true' }),
    ]);
    await cluster!.start('collector');
    // The channel relay: it puts the trades on the delivery log the gateways take channels from.
    await cluster!.start('platform');
    const url = `http://127.0.0.1:${port}`;
    const user = await signUpAndIn(url, `reuse.${Date.now()}@example.com`);
    for (let i = 0; i < SUBSCRIBERS; i++) {
      // A ticket from whichever gateway answered opens a stream on either (shared auth secret).
      const client = openEventSource(url, {
        channels: [CHANNEL],
        types: ['market.trade'],
        ticket: await streamTicket(url, user.accessToken),
      });
      clients.push(client);
    }
    await Promise.all(clients.map((client) => client.next('subscribed', 30_000)));
    await until(async () => (await openSse(gateways[0])) + (await openSse(gateways[1])) === SUBSCRIBERS, {
      timeoutMs: 15_000,
      what: `${SUBSCRIBERS} streams counted across the two gateways`,
    });
    const held = await Promise.all(gateways.map(openSse));
    console.log(`reuse port: ${SUBSCRIBERS} SSE streams split ${held.join(' / ')} between the two gateways`);
    // The kernel hashes each connection to one listener: with 40, both get some (a split of
    // 40:0 has probability 2^-39).
    expect(held.every((n) => n > 0)).toBe(true);
    await Promise.all(clients.map((client) => client.next('market.trade', 30_000)));

    // A process without the flag cannot share the port.
    await expect(cluster!.start('gateway', shared)).rejects.toThrow();
  }, 180_000);
});
