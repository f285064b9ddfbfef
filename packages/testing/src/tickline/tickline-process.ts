/**
 * @module Test helpers that run the real `tickline` executable (Node 24 on bin.ts) as a child
 * process, with an environment free of the machine's own TICKLINE_* variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedEmbeddedDatabase } from './database-template.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'packages/server/src/bin.ts');
/**
 * Node's flags of a child run on bin.ts, as bin/node-as-server gives them: isolated-vm needs no
 * snapshot, and a background baseline compile can deadlock process.exit (see the script).
 */
const NODE_FLAGS = ['--no-node-snapshot', '--no-concurrent-sparkplug'];
/** The launcher operators use: the allocator and V8 flags of production (see the script). */
const LAUNCHER = join(ROOT, 'bin/tickline');

/** A finished command. */
export interface FinishedCommand {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `tickline start`. */
export interface RunningServer {
  child: ChildProcess;
  /** Base URL on 127.0.0.1 (the logged one says localhost). */
  url: string;
  /** Parsed JSON log lines so far. */
  logLines(): Array<Record<string, unknown>>;
  /** Everything the process wrote so far, stdout then stderr, as text (log lines and anything else). */
  output(): string;
  exited: Promise<number | null>;
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('TICKLINE_'));
  return { ...Object.fromEntries(inherited), ...env };
}

/** How a child is started. */
export interface SpawnOptions {
  /**
   * Through `bin/tickline` (jemalloc preloaded when installed, V8's young generation capped), as
   * deployed — for runs that judge memory, such as the soak. The default runs Node on bin.ts
   * directly. `bin/tickline` execs Node, so the child's pid is Node's either way.
   */
  launcher?: 'node' | 'bin';
  /**
   * Appends the child's stdout and stderr to this file as well, so a run that kills and restarts
   * processes (the chaos run) keeps what every incarnation logged.
   */
  logFile?: string;
}

function spawnTickline(
  args: readonly string[],
  env: Record<string, string>,
  options: SpawnOptions = {},
): ChildProcess {
  const [command, argv] =
    options.launcher === 'bin' ? [LAUNCHER, [...args]] : [NODE, [...NODE_FLAGS, BIN, ...args]];
  return spawn(command, argv, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `tickline ...args` to completion. */
export function runTickline(args: readonly string[], env: Record<string, string>): Promise<FinishedCommand> {
  return new Promise((resolve, reject) => {
    const child = spawnTickline(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Gives `env.TICKLINE_DATA_DIR` a copy of the migrated embedded database (database-template.ts)
 * unless it has one, uses PostgreSQL, or asks for a fresh one: what a test server starts on, and
 * what an in-process CLI test's commands open — each first command in a new data directory ran
 * PGlite's initdb and every migration (6 s on a quiet machine, several times that when busy).
 */
export function seedDataDir(env: Record<string, string>): Promise<void> {
  return seedEmbeddedDatabase(env, ROOT, (dataDir) => [
    NODE,
    [...NODE_FLAGS, BIN, 'migrate', 'up'],
    childEnv({ TICKLINE_DATA_DIR: dataDir, TICKLINE_LOG_LEVEL: 'warn' }),
  ]);
}

/** Starts `tickline start` and resolves once it logs its URL; rejects if it exits first. */
export async function startTicklineServer(
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<RunningServer> {
  await seedDataDir(env);
  const child = spawnTickline(['start'], env, options);
  if (options.logFile !== undefined) {
    const file = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
    child.once('close', () => file.end());
  }
  let stdout = '';
  let stderr = '';
  // Complete lines only: a chunk can end in the middle of a log line, which is no JSON yet.
  const logLines = () =>
    stdout
      .slice(0, stdout.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  // 'close', not 'exit': by then stdout is fully read, so the last log lines are there.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const started = logLines().find((line) => typeof line.url === 'string');
      if (started) {
        const url = (started.url as string).replace('localhost', '127.0.0.1');
        resolve({ child, url, logLines, output: () => `${stdout}${stderr}`, exited });
      }
    });
    void exited.then((code) => reject(new Error(`tickline start exited ${code}: ${stderr}${stdout}`)));
  });
}

/**
 * Strategy code keys for a run on PostgreSQL, where the public `dev` key is refused (the same on
 * every process of a cluster, as an operator sets them).
 */
export const TEST_CODE_KEYS_ENV: Readonly<Record<string, string>> = Object.freeze({
  TICKLINE_STRATEGY_CODE_KEYS: JSON.stringify({ test: Buffer.alloc(32, 42).toString('base64') }),
  TICKLINE_STRATEGY_CURRENT_KEY_ID: 'test',
});

/**
 * The promotion gate turned off (it is on for every tier but the admin's by default): for a test
 * that enables live runs without research first and is not about the gate. A test of the gate
 * leaves it out (the web research e2e).
 */
export const GATE_OFF_ENV: Readonly<Record<string, string>> = Object.freeze({
  TICKLINE_STRATEGY_GATE_REQUIRED_TIERS: '[]',
});

/**
 * The environment of an embedded `tickline start` for a test: data in `dataDir`, a free port on
 * loopback, the free tier's request rate raised for tests that call faster than a person, and no
 * shipped venue history (tests that want it pass TICKLINE_STRATEGY_HISTORY_IMPORT_SHIPPED=true).
 */
export function embeddedTestEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '600',
    // Tests make the candles they read; the shipped 2020–21 history is one test's subject.
    TICKLINE_STRATEGY_HISTORY_IMPORT_SHIPPED: 'false',
    ...extra,
  };
}
