/**
 * The read/write split through the real `tickline` process: a PostgreSQL primary and a streaming
 * replica made with `pg_basebackup -R` (the testing harness), the simulator writing trades on the
 * primary, market history answered from the replica (`tickline_sql_reads_total{route="replica"}`),
 * and, with the replica stopped, the same reads answered by the primary while `/readyz` stays ready.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePostgresBinaries, startPostgresPrimary, startPostgresReplica, until, startTicklineServer, TEST_CODE_KEYS_ENV, type PostgresServerHandle, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson } from '../testing/api-clients.ts';

// Under CI=true missing PostgreSQL binaries throw here instead of skipping.
const binaries = requirePostgresBinaries();
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-read-replica-'));
const WAIT = { timeoutMs: 60_000, intervalMs: 250 };

let primary: PostgresServerHandle | undefined;
let replica: PostgresServerHandle | undefined;
let server: RunningServer | undefined;

/** `tickline_sql_reads_total` by route, from the process's `/metrics`. */
async function readsByRoute(): Promise<Record<string, number>> {
  const text = await (await fetch(`${server!.url}/metrics`)).text();
  const routes: Record<string, number> = {};
  for (const [, route, value] of text.matchAll(/^tickline_sql_reads_total\{route="([a-z_]+)"\} (\S+)$/gm))
    routes[route!] = Number(value);
  return routes;
}

const primaryReads = (r: Record<string, number>) =>
  (r.primary_down ?? 0) + (r.primary_fallback ?? 0) + (r.primary_lagging ?? 0);

/** The trades of BTC-USDT as the API answers them (the trades route always reads through the split). */
async function trades(): Promise<{ status: number; count: number }> {
  const response = await callJson(server!.url, 'GET', '/api/v1/markets/BTC-USDT/trades');
  const body = response.body as { trades?: unknown[] };
  return { status: response.status, count: body.trades?.length ?? 0 };
}

beforeAll(async () => {
  if (!binaries.available) return;
  primary = await startPostgresPrimary();
  replica = await startPostgresReplica(primary);
  // The harness's cluster has one database, `postgres`, on both servers; the replica follows it whole.
  server = await startTicklineServer({
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_SHUTDOWN_TIMEOUT_MS: '5000',
    TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
    TICKLINE_DATABASE_URL: primary.url,
    TICKLINE_DATABASE_READ_URL: replica.url,
    ...TEST_CODE_KEYS_ENV,
    TICKLINE_DATABASE_MIGRATE_ON_START: 'true',
    TICKLINE_MARKET_SOURCES: JSON.stringify([
      { kind: 'simulator', tradesPerSecond: 20, markets: [{ symbol: 'BTC-USDT', startPrice: 60_000 }] },
    ]),
  });
}, 180_000);

afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
  await replica?.cleanup();
  await primary?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!binaries.available)(`market - reads on a streaming replica ${binaries.reason ?? ''}`, () => {
  it('replica - market history is read from the replica; the lag and the service show on /readyz', async () => {
    // Trades written on the primary by the projection reach the API only through the replica's replay.
    await until(async () => (await trades()).count >= 5, { ...WAIT, what: 'five trades through the API' });
    await until(async () => ((await readsByRoute()).replica ?? 0) >= 1, { ...WAIT, what: 'replica reads' });
    const range = await callJson(server!.url, 'GET', '/api/v1/markets/BTC-USDT/candles?interval=1s&from=0');
    expect(range.status).toBe(200);

    const ready = await fetch(`${server!.url}/readyz`);
    expect(ready.status).toBe(200);
    const services = ((await ready.json()) as { services: Record<string, unknown> }).services;
    expect(services['sql-replica']).toMatchObject({ status: 'up', info: { lagSeconds: expect.any(Number) } });
    const metrics = await (await fetch(`${server!.url}/metrics`)).text();
    expect(metrics).toMatch(/^tickline_sql_replica_up 1$/m);
    expect(metrics).toMatch(/^tickline_sql_replica_lag_seconds \d/m);
  });

  it('replica - stopped, the same reads are answered by the primary; started again, they return', async () => {
    const before = await readsByRoute();
    await replica!.stop();
    try {
      await until(
        async () => {
          const answer = await trades();
          return (
            answer.status === 200 &&
            answer.count >= 5 &&
            primaryReads(await readsByRoute()) > primaryReads(before)
          );
        },
        { ...WAIT, what: 'trades answered by the primary' },
      );
      await until(
        async () => {
          const ready = await fetch(`${server!.url}/readyz`);
          const body = (await ready.json()) as { services: Record<string, { status: string }> };
          // Degraded, still ready: the primary answers the reads meanwhile.
          return ready.status === 200 && body.services['sql-replica']?.status === 'degraded';
        },
        { ...WAIT, what: 'sql-replica degraded on /readyz' },
      );
      expect(await (await fetch(`${server!.url}/metrics`)).text()).toMatch(/^tickline_sql_replica_up 0$/m);
    } finally {
      await replica!.start();
    }
    // The probe (every 2 s) finds it again and reads go back to it.
    const back = (await readsByRoute()).replica ?? 0;
    await until(async () => (await trades()).status === 200 && ((await readsByRoute()).replica ?? 0) > back, {
      ...WAIT,
      what: 'reads on the replica again',
    });
  });
});
