/**
 * @module `npm run cluster -- up|down|status`: the scaled topology on one machine (see
 * `@tickline/testing`). `up` starts it, writes `<baseDir>/cluster.json` and stays in the
 * foreground as the supervisor (Ctrl-C or `down` stops everything: the dependencies are its
 * children, so they cannot outlive it); `status` prints one line per process with /readyz; `down`
 * asks the supervisor to stop. The base dir is `TICKLINE_CLUSTER_DIR`, default `<tmp>/tickline-cluster`.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, startTopology } from '@tickline/testing';
import {
  clusterStateOf,
  formatStatusTable,
  parseClusterState,
  type ClusterState,
  type StatusRow,
} from './cluster-state.ts';

const BASE_DIR = process.env.TICKLINE_CLUSTER_DIR ?? join(tmpdir(), 'tickline-cluster');
const STATE_FILE = join(BASE_DIR, 'cluster.json');
const DOWN_TIMEOUT_MS = 60_000;

function stamp(message: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readState(): ClusterState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  return parseClusterState(readFileSync(STATE_FILE, 'utf8'), STATE_FILE);
}

async function up(): Promise<void> {
  const running = readState();
  if (running && alive(running.supervisorPid))
    throw new Error(`a cluster is already up (supervisor pid ${running.supervisorPid}); run down first`);
  rmSync(BASE_DIR, { recursive: true, force: true });
  const started = performance.now();
  const topology = await startTopology({
    baseDir: BASE_DIR,
    log: stamp,
    perRole: Number(process.env.TICKLINE_CLUSTER_PER_ROLE ?? 2),
  });
  const supervisor = { pid: process.pid, baseDir: BASE_DIR, startedAt: new Date().toISOString() };
  const writeState = () =>
    writeFileSync(STATE_FILE, JSON.stringify(clusterStateOf(topology, supervisor), null, 2) + '\n');
  writeState();
  stamp(`up in ${((performance.now() - started) / 1000).toFixed(1)} s; state in ${STATE_FILE}`);
  stamp('npm run cluster -- status | down (or Ctrl-C here)');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stamp(`${signal}: stopping every process`);
    await topology.stop();
    rmSync(STATE_FILE, { force: true });
    stamp('down');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Keep the pids in the file current if a process is restarted by hand later.
  setInterval(writeState, 5_000);
}

async function probeReady(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return String(res.status);
  } catch {
    return 'down';
  }
}

async function status(): Promise<void> {
  const state = readState();
  if (!state) {
    process.stdout.write(`no cluster state in ${STATE_FILE}: not up\n`);
    process.exitCode = 1;
    return;
  }
  const rows: StatusRow[] = await Promise.all(
    state.processes.map(async (proc) => ({
      process: proc,
      alive: proc.pid !== undefined ? alive(proc.pid) : await canConnect(proc.port),
      ready: proc.url ? await probeReady(proc.url) : '-',
    })),
  );
  const supervisor = alive(state.supervisorPid) ? 'alive' : 'GONE';
  process.stdout.write(
    `supervisor pid ${state.supervisorPid} (${supervisor}), up since ${state.startedAt}, base ${state.baseDir}\n` +
      `database ${state.databaseUrl}\nnats ${state.natsUrls.join(', ')} (stream ${state.stream})\nredis ${state.redisUrl}\n\n` +
      formatStatusTable(rows) +
      '\n',
  );
  if (rows.some((row) => !row.alive)) process.exitCode = 1;
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) {
    process.stdout.write('not up\n');
    return;
  }
  if (alive(state.supervisorPid)) {
    stamp(`asking the supervisor (pid ${state.supervisorPid}) to stop`);
    process.kill(state.supervisorPid, 'SIGTERM');
    const deadline = Date.now() + DOWN_TIMEOUT_MS;
    while (alive(state.supervisorPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  }
  // A supervisor killed hard leaves its tickline children: stop those it listed.
  for (const proc of state.processes)
    if (proc.pid !== undefined && alive(proc.pid)) process.kill(proc.pid, 'SIGKILL');
  rmSync(STATE_FILE, { force: true });
  stamp('down');
}

const command = process.argv[2];
const commands: Record<string, () => Promise<void>> = { up, down, status };
const run = command ? commands[command] : undefined;
if (!run) {
  process.stderr.write('usage: npm run cluster -- up|down|status\n');
  process.exit(2);
}
await run().catch((error: unknown) => {
  process.stderr.write(`cluster ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
