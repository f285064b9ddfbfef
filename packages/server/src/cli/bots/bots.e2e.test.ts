/**
 * `tickline bots` against a real `tickline start`: 50 bots sign up, join over WebSocket, move for
 * a few seconds with 2% speed hacks, and the run reports every bot connected, moves acknowledged,
 * every hack rejected and no honest move refused; a smaller fleet does the same over TCP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runTickline, startTicklineServer, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotSummary } from '@tickline/client/bots';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-bots-e2e-'));
let server: RunningServer;

beforeAll(async () => {
  const tcpPort = await freePort();
  server = await startTicklineServer({
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_GAME_TCP_PORT: String(tcpPort),
    TICKLINE_GAME_TCP_HOST: '127.0.0.1',
    TICKLINE_MARKET_ENABLED: 'false',
    // Fifty sign-ups from one address in a second: the anonymous limit would (rightly) throttle them.
    TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
    // Every bot connects from loopback: the per-address cap would refuse all but the first 32.
    TICKLINE_GAME_LIMITS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
  });
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

async function bots(args: string[]): Promise<{ code: number | null; summary: BotSummary; stderr: string }> {
  const run = await runTickline(['bots', '--url', server.url, '--json', ...args], {});
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  return { code: run.code, summary: JSON.parse(line) as BotSummary, stderr: run.stderr };
}

describe('tickline bots - against tickline start', () => {
  it('bots e2e - 50 bots over WebSocket play for a few seconds; hacks rejected, honest moves acked', async () => {
    const { code, summary, stderr } = await bots(['--count', '50', '--duration', '3', '--hacks', '0.02']);
    expect(summary).toMatchObject({
      bots: 50,
      connected: 50,
      failedToConnect: 0,
      droppedForGood: 0,
      hacksAccepted: 0,
    });
    expect(summary.acks).toBeGreaterThan(50 * 3 * 3);
    expect(summary.movesSent).toBeGreaterThan(50 * 3 * 5);
    expect(summary.honestRejects).toBeLessThanOrEqual((summary.movesSent - summary.hacksSent) * 0.01);
    expect(summary.latencyP99Ms).toBeGreaterThan(0);
    expect(stderr).toMatch(/connected 50 {2}moves\/s \d+/);
    expect(code).toBe(0);
  });

  it('bots e2e - over TCP', async () => {
    const { code, summary } = await bots(['--count', '10', '--duration', '2', '--tcp']);
    expect(summary).toMatchObject({ connected: 10, failedToConnect: 0, hacksAccepted: 0 });
    expect(summary.acks).toBeGreaterThan(0);
    expect(code).toBe(0);
  });
});
