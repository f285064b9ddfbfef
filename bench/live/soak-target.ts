/**
 * @module The Tickline the honest-load soak (`soak.ts`) runs its live runs on: a real embedded
 * `tickline start` (temp data dir, fixed port so a restart comes back at the same address) or the
 * scaled topology with two `--role strategy` processes. Either can be restarted once (SIGTERM,
 * started again on the same data: the runs reopen and catch up), and keeps every pause its live
 * processes logged (`live strategy paused`, warn) across incarnations.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  embeddedTestEnv,
  freePort,
  GATE_OFF_ENV,
  startTicklineServer,
  startTopology,
  type RunningServer,
  type TicklineNode,
  type Topology,
} from '@tickline/testing';

export type SoakTopology = 'embedded' | 'cluster';

/**
 * A `live strategy paused` line of a live process (run, code, reason with the figures and budget,
 * `resumesAt`), or one of an automatic resume after a pause for CPU (`msg`, `outcome` in `reason`).
 */
export interface PauseLine {
  msg: string;
  run: string;
  code: string;
  reason: string;
  resumesAt?: string;
  /** When the line was logged (epoch ms, from the log's `time`). */
  time: number;
  process: string;
}

const PAUSE_MESSAGES = new Set([
  'live strategy paused',
  'live strategy paused for CPU: automatic resume',
  'live strategy paused for CPU could not resume; it stays paused',
]);

export interface SoakTarget {
  /** The API's base URL (the front of the gateways on the cluster). */
  readonly url: string;
  /** Data dir of the embedded server (its initial admin's secrets are there). */
  readonly dataDir: string;
  /** SIGTERM to a process holding live runs, then started again on the same data. */
  restart(): Promise<void>;
  /** Every pause logged so far, restarts included. */
  pauses(): PauseLine[];
  /** Stops every process it started and removes their data. */
  stop(): Promise<void>;
}

/** Tokens outlive the soak (sign-ups happen before it; 15 min is the default); the free tier's rate fits the sampler. */
const SOAK_ENV = {
  ...GATE_OFF_ENV,
  TICKLINE_AUTH_ACCESS_TOKEN_TTL_MS: String(4 * 60 * 60_000),
  TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '6000',
};

/** A log field as text (an error object as its JSON). */
const text = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

function pausesOf(lines: Array<Record<string, unknown>>, processName: string): PauseLine[] {
  return lines
    .filter((l) => PAUSE_MESSAGES.has(String(l.msg)))
    .map((l) => ({
      msg: String(l.msg),
      run: String(l.run),
      code: text(l.code),
      reason: text(l.reason ?? l.outcome ?? l.err),
      ...(typeof l.resumesAt === 'string' ? { resumesAt: l.resumesAt } : {}),
      time: typeof l.time === 'number' ? l.time : Date.parse(String(l.time)),
      process: processName,
    }));
}

/** Starts the soak's Tickline; `log` gets progress lines. */
export async function startSoakTarget(topology: SoakTopology, log: (m: string) => void): Promise<SoakTarget> {
  return topology === 'embedded' ? startEmbedded(log) : startCluster(log);
}

async function startEmbedded(log: (m: string) => void): Promise<SoakTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-live-soak-'));
  const port = await freePort();
  const env = embeddedTestEnv(dataDir, { ...SOAK_ENV, TICKLINE_HTTP_PORT: String(port) });
  // Every incarnation's log, kept after the soak for a look at why a run paused.
  const logFile = join(tmpdir(), `tickline-live-soak-${process.pid}.log`);
  let server: RunningServer = await startTicklineServer(env, { launcher: 'bin', logFile });
  log(`embedded tickline start on ${server.url} (data ${dataDir}, log ${logFile})`);
  const earlier: PauseLine[] = [];
  return {
    url: server.url,
    dataDir,
    async restart() {
      earlier.push(...pausesOf(server.logLines(), 'embedded'));
      server.child.kill('SIGTERM');
      await server.exited;
      server = await startTicklineServer(env, { launcher: 'bin', logFile });
    },
    pauses: () => [...earlier, ...pausesOf(server.logLines(), 'embedded')],
    async stop() {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startCluster(log: (m: string) => void): Promise<SoakTarget> {
  // Read before the topology starts: it points TMPDIR into its base dir, which goes at the end.
  const keptLogs = tmpdir();
  const baseDir = mkdtempSync(join(keptLogs, 'tickline-live-soak-cluster-'));
  const topology: Topology = await startTopology({
    baseDir,
    roles: { gateway: 1, collector: 1, platform: 1, strategy: 2, game: 0 },
    natsNodes: 1,
    readReplica: false,
    log,
    keepLogs: true,
    env: {
      ...SOAK_ENV,
      // The runs read 1 s candles (the topology's default is 1 m only, to spare its projections).
      TICKLINE_MARKET_CANDLES_INTERVALS: '1s,1m',
    },
  });
  const strategies = topology.nodes.filter((n) => n.role === 'strategy');
  const earlier: PauseLine[] = [];
  const linesOf = (n: TicklineNode) => (n.server === undefined ? [] : pausesOf(n.server.logLines(), n.name));
  log(`cluster: front ${topology.front.url}; strategy processes ${strategies.map((n) => n.name).join(', ')}`);
  return {
    url: topology.front.url,
    dataDir: baseDir,
    async restart() {
      const node = strategies[0]!;
      earlier.push(...linesOf(node));
      await node.stop();
      await node.start();
    },
    pauses: () => [...earlier, ...topology.nodes.flatMap(linesOf)],
    async stop() {
      await topology.stop();
      // The processes' logs are kept (a pause's warn line, its resumes); the rest goes.
      for (const n of topology.nodes)
        if (existsSync(join(n.dataDir, 'tickline.log')))
          copyFileSync(join(n.dataDir, 'tickline.log'), join(keptLogs, `tickline-live-soak-${process.pid}-${n.name}.log`));
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}
