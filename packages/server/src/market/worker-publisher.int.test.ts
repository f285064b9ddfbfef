/**
 * `publisher.thread: worker` as bootstrap wires it: the collector role on the NATS engine with the
 * market module, whose trades cross to the publisher's worker as packed fields (the module's
 * `packedCodecs`) and reach the stream as the same `market.trade` events the in-thread path makes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNatsEventLog, type EventLog } from '@tickline/eventlog';
import { createMetricsRegistry, decodeEvent, silentLogger, type EventEnvelope } from '@tickline/kernel';
import { marketModule } from '@tickline/market';
import { type NatsServerHandle, requireBinary, seedDataDir, startNatsServer, until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import { natsLogOptions, LogKind } from '../wiring/event-logs.ts';

const nats = requireBinary('nats-server', 'nats-server');
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-worker-publisher-'));
let server: NatsServerHandle | undefined;

beforeAll(async () => {
  if (nats.available) server = await startNatsServer();
});
afterAll(async () => {
  await server?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!nats.available)(`publisher - worker thread (${nats.reason ?? 'nats-server found'})`, () => {
  it('worker publisher - the collector role publishes packed trades as market.trade events', async () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_DATA_DIR: dataDir,
        TICKLINE_ROLE: 'collector',
        TICKLINE_HTTP_PORT: '0',
        TICKLINE_HTTP_HOST: '127.0.0.1',
        TICKLINE_EVENTLOG_ENGINE: 'nats',
        TICKLINE_EVENTLOG_NATS_SERVERS: server!.url,
        TICKLINE_EVENTLOG_NATS_STREAM: `WORKER_PUB_${process.pid}`,
        TICKLINE_PUBLISHER_THREAD: 'worker',
      },
    });
    let running: RunningProcess | undefined;
    let log: EventLog | undefined;
    try {
      await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
      running = await bootstrap(config, {
        logger: silentLogger,
        metrics: createMetricsRegistry({ processMetrics: false }),
        handleSignals: false,
        modules: [marketModule],
      });
      expect('reserve' in running.publisher).toBe(true);
      log = await createNatsEventLog({ ...natsLogOptions(config, LogKind.Main), logger: silentLogger });
      const reader = log;
      let trades: EventEnvelope[] = [];
      await until(
        async () => {
          const records = await reader.read({ from: 1, limit: 1_000 });
          trades = records.filter((r) => r.type === 'market.trade').map((r) => decodeEvent(r.payload));
          return trades.length >= 10;
        },
        { timeoutMs: 30_000 },
      );
      const [trade] = trades;
      expect(trade).toMatchObject({
        type: 'market.trade',
        source: 'collector/simulator',
        subject: expect.stringMatching(/^[A-Z]+-[A-Z]+$/),
        data: { exchange: 'simulator', price: expect.any(Number), size: expect.any(Number) },
      });
      // Built in the worker from the packed fields, yet each is its own fact with its own id.
      expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
      expect(running.publisher.stats().appendErrors).toBe(0);
    } finally {
      await log?.close();
      await running?.stop();
    }
  }, 120_000);
});
