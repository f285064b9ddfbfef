/**
 * The real `tickline` process: spawned with Node 24 on the bin, no config file, data in a temp
 * dir, port 0. Probes, metrics, graceful SIGTERM, config errors, and the log commands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog } from '@tickline/eventlog';
import { createEventSource, defineEvent, encodeEvent } from '@tickline/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  runTickline,
  startTicklineServer,
  type FinishedCommand,
  type RunningServer,
} from '@tickline/testing';

const SHUTDOWN_TIMEOUT_MS = 5_000;

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function tickline(args: string[], env: Record<string, string> = {}): Promise<FinishedCommand> {
  return runTickline(args, { TICKLINE_DATA_DIR: dataDir, ...env });
}

function startServer(): Promise<RunningServer> {
  return startTicklineServer({
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  });
}

describe('process - tickline start', () => {
  it('process - serves probes and metrics, then stops cleanly on SIGTERM', async () => {
    const server = await startServer();
    try {
      const started = server.logLines().find((line) => typeof line.url === 'string')!;
      expect(started.url).toMatch(/^http:\/\/localhost:\d+$/);
      expect(started.dataDir).toBe(dataDir.replace(/\/$/, ''));

      const healthz = await fetch(`${server.url}/healthz`);
      expect(healthz.status).toBe(200);
      expect(await healthz.json()).toEqual({ status: 'ok' });

      const readyz = await fetch(`${server.url}/readyz`, { headers: { 'x-request-id': 'e2e-1' } });
      expect(readyz.status).toBe(200);
      expect(readyz.headers.get('x-request-id')).toBe('e2e-1');
      const ready = (await readyz.json()) as { status: string; services: Record<string, { status: string }> };
      expect(ready.status).toBe('ready');
      expect(Object.keys(ready.services)).toEqual([
        'eventlog',
        'eventlog-dlq',
        'publisher',
        'rpc',
        'sql',
        'identity',
        'session-purge',
        'realtime',
        'account-snapshot-outbox',
        'account-snapshots',
        'realtime-delivery',
        'market-jobs',
        'market-trades',
        'market-candles',
        // The simulator's past, stored before its first live candle (a fresh data directory).
        'market-simulator-history',
        'market-collector',
        'market-delivery',
        'market-ticker',
        // The games the operator's files name, loaded and checked against the rules API (before
        // the zones and rooms: rooms restored at start need their games).
        'game-catalog',
        'game',
        'game-revocation',
        'game-zone-responder',
        'game-room-responder',
        'game-room-desk',
        'admin-game-feed',
        'strategy-sandbox',
        'backtest-queue',
        'research-queue',
        'strategy-code-reseal',
        // Venue history downloads (resumed at start), and the history shipped with the project.
        'history-downloads',
        'shipped-history',
        'strategy-delivery',
        'strategy-live-sandbox',
        // Consumers named after this process: every strategy process follows the log itself.
        expect.stringMatching(/^strategy\.books\./),
        'strategy-live-books',
        // Order events the log had not acknowledged are re-sent before the runs take candles.
        'order-event-outbox',
        expect.stringMatching(/^strategy\.live\./),
        'strategy.portfolios',
        'strategy-books-catch-up',
        'strategy-live-heartbeat',
        'strategy-live-sync',
        'strategy-equity-compaction',
        // Each live run's parity with its backtest, on a schedule and after each restart or resume.
        'strategy-live-parity',
        // Feeds with no candle for too long turn stale: the data-health interlock's beat.
        'strategy-live-data-health',
        'strategy-live-admin',
        'trading-venue-streams',
        'trading-venues',
        'trading-delivery',
        'notify-matcher',
        'notify-dispatcher',
        'notify-enqueue',
        'notify-delivery',
        'platform-partitions',
        'platform',
        'platform-ops-feed',
        // Scheduled backups of the data dir (backup.schedule; none here, so it only reports).
        'backup-schedule',
        'rate-limit',
        'http',
      ]);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^tickline_process_cpu_seconds_total/m);
      expect(metrics).toMatch(/^tickline_eventlog_\w+\{log="eventlog"\}/m);
      expect(metrics).toMatch(/^tickline_publisher_\w+\{publisher="publisher"\}/m);

      const missing = await fetch(`${server.url}/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        error: { code: 'HTTP_NOT_FOUND', message: 'no route for GET /nope' },
      });
    } finally {
      const sentAt = Date.now();
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      expect(server.logLines().at(-1)).toMatchObject({ msg: 'stopped', exitCode: 0 });
    }
  });

  it('process - a bad TICKLINE_HTTP_PORT exits 2 with one line naming field, value and range', async () => {
    const run = await tickline(['start'], { TICKLINE_HTTP_PORT: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535\n',
    );
  });
});

describe('process - tickline commands', () => {
  it('process - config print redacts a NATS password', async () => {
    const run = await tickline(['config', 'print'], {
      TICKLINE_EVENTLOG_ENGINE: 'nats',
      TICKLINE_EVENTLOG_NATS_SERVERS: 'nats://ops:s3cret@127.0.0.1:4222',
      TICKLINE_EVENTLOG_NATS_PASSWORD: 's3cret',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('s3cret');
    expect(run.stdout).toContain('- nats://ops:***@127.0.0.1:4222');
    expect(run.stdout).toContain('password: "***"');
  });

  it('process - log info and log tail --no-follow on a log with events', async () => {
    const Moved = defineEvent({
      type: 'game.player.moved',
      version: 1,
      description: 'A player moved.',
      schema: z.object({ x: z.number() }),
    });
    const source = createEventSource({ source: 'zone/e2e' });
    const events = [1, 2, 3].map((x) => source.create(Moved, { subject: `p${x}`, data: { x } }));
    const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog') });
    const [first] = await log.append(
      events.map((e) => ({ id: e.id, key: e.partitionkey, type: e.type, payload: encodeEvent(e) })),
    );
    await log.close();
    const offset = first!.ok ? first!.offset : 0;

    const info = await tickline(['log', 'info']);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`event log   ${join(dataDir, 'eventlog')} (embedded)`);
    expect(info.stdout).toContain(`last ${offset + 2}`);
    expect(info.stdout).toMatch(/recovery {4}segments \d+, records \d+/);

    const tail = await tickline(['log', 'tail', '--no-follow', '--from', String(offset)]);
    expect(tail.code).toBe(0);
    expect(
      tail.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual(events.map((event, i) => ({ offset: offset + i, ...event })));
  });

  it('process - version', async () => {
    const run = await tickline(['version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^tickline \d+\.\d+\.\d+ \(node v24\./);
  });
});
