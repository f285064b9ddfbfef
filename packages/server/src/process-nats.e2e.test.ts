/**
 * `tickline start` on the NATS engine against a real nats-server with user/password auth: probes,
 * both streams created, SIGTERM exit 0, and the log commands reading the stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary, startNatsServer, runTickline, startTicklineServer, type NatsServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const nats = requireBinary('nats-server', 'nats-server');
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-nats-'));
let server: NatsServerHandle | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  if (!nats.available) return;
  server = await startNatsServer({ args: ['--user', 'tick', '--pass', 's3cret'] });
  env = {
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_EVENTLOG_ENGINE: 'nats',
    TICKLINE_EVENTLOG_NATS_SERVERS: server.url,
    TICKLINE_EVENTLOG_NATS_STREAM: `E2E_${process.pid}`,
    TICKLINE_EVENTLOG_NATS_USER: 'tick',
    TICKLINE_EVENTLOG_NATS_PASSWORD: 's3cret',
  };
});
afterAll(async () => {
  await server?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!nats.available)(`process - NATS engine (${nats.reason ?? 'nats-server found'})`, () => {
  it('nats - starts ready on the stream and its dead-letter stream, stops with 0', async () => {
    const running = await startTicklineServer({
      ...env,
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
    });
    try {
      const started = running.logLines().find((line) => typeof line.url === 'string')!;
      expect(started.eventlog).toBe(`stream E2E_${process.pid} on ${server!.url}`);
      expect(started.deadLetters).toBe(`stream E2E_${process.pid}_DLQ on ${server!.url}`);
      const readyz = await fetch(`${running.url}/readyz`);
      expect(readyz.status).toBe(200);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toMatch(/^tickline_publisher_\w+\{publisher="publisher"\}/m);
    } finally {
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    }
  });

  it('nats - log info reads both streams while the server is down', async () => {
    const main = await runTickline(['log', 'info'], env);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(`event log   stream E2E_${process.pid} on ${server!.url} (nats)`);
    // The first start created the admin account (account.created, maybe its snapshot) and the
    // simulator's market events: the stream holds them all from offset 1.
    const offsets = /^offsets {5}first 1, last (\d+) \((\d+) records\)$/m.exec(main.stdout);
    expect(offsets, main.stdout).not.toBeNull();
    expect(Number(offsets![1])).toBeGreaterThanOrEqual(1);
    expect(offsets![2]).toBe(offsets![1]);
    expect(main.stdout).toMatch(/^ {2}account-snapshots +acked \d+ +lag \d+$/m);
    const dlq = await runTickline(['log', 'info', '--dlq', '--json'], env);
    expect(JSON.parse(dlq.stdout)).toMatchObject({
      location: { stream: `E2E_${process.pid}_DLQ` },
      records: 0,
    });
  });

  it('nats - a wrong password fails the start with exit 1 and says why', async () => {
    const run = await runTickline(['start'], {
      ...env,
      TICKLINE_EVENTLOG_NATS_PASSWORD: 'wrong',
      TICKLINE_HTTP_PORT: '0',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: start-up failed at step eventlog: .+ \[SERVER_START_FAILED\]\n$/);
    expect(run.stderr).not.toContain('wrong');
  });
});
