/**
 * A blue/green release on real processes: `npm run bluegreen` (scripts/cluster/bluegreen.ts) run
 * as an operator runs it — PostgreSQL, nats-server, redis-server, two gateways behind one front,
 * platform, strategy, collector and game; green replaces blue under HTTP, SSE and bot load. The
 * script exits 0 only when no request failed, the stream missed and repeated nothing against the
 * log, every bot kept being acknowledged and the log's audit holds; this test holds it to that and
 * shows its timeline on a failure.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scaledClusterDependencies } from '../testing/scaled-cluster.ts';
import { requireRedisServer } from '@tickline/testing';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const deps = scaledClusterDependencies();
const redis = requireRedisServer();
const available = deps.available && redis.available;

describe.skipIf(!available)(`blue/green release - real processes (${deps.available ? (redis.reason ?? 'redis-server found') : deps.reason})`, () => {
  it('release - zero failed requests, the stream resumes without a gap, every bot keeps playing, the audit holds', async () => {
    const child = spawn(process.execPath, ['--no-node-snapshot', 'scripts/cluster/bluegreen.ts'], {
      cwd: ROOT,
      env: { ...process.env, TICKLINE_BLUEGREEN_SOAK_MS: '6000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toMatch(/ok {3}flip: /);
    expect(output).toMatch(/ok {3}http: \d+ requests answered during and after the release, 0 failed/);
    expect(output).toMatch(/ok {3}audit: stream: \d+ BTC-USDT trades received across the release; 0 missing, 0 twice, 0 not in the log/);
    expect(output).toMatch(/ok {3}bots: 20\/20 bots acknowledged after the flip, 0 closed/);
    expect(output.match(/^.*FAIL.*$/m)?.[0], output).toBeUndefined();
    expect(code, output).toBe(0);
  }, 900_000);
});
