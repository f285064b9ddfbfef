/**
 * @module A real redis-server (Debian's package) for integration tests: a free loopback port, a
 * temp working dir, no persistence. `kill()` and `pause()` simulate a crash and a hang for
 * fail-open tests; `restart()` brings it back on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { requireBinary } from '../binary.ts';
import { freePort } from '../free-port.ts';
import { tempDir } from '../temp-dir.ts';

/** A running (or stopped) redis-server. */
export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** SIGTERM, wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash), wait for exit. */
  kill(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a hung server). */
  pause(): void;
  /** SIGCONT after {@link pause}. */
  resume(): void;
  /** Starts again on the same port (stopping first if running); waits until it answers PING. */
  restart(): Promise<void>;
  /** Stops if running and removes the temp dir. */
  cleanup(): Promise<void>;
}

/** Options for {@link startRedis}. */
export interface StartRedisOptions {
  /** @default a free port */
  port?: number;
}

const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 25;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Finds redis-server; without it: `{ available: false, reason }` locally, a throw under CI=true. */
export function requireRedisServer() {
  return requireBinary('redis-server', 'redis-server');
}

/**
 * Starts `redis-server` on 127.0.0.1 and waits until it answers PING.
 * @example
 * const redis = await startRedis();
 * try { … createClient({ url: redis.url }) … } finally { await redis.cleanup(); }
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServerHandle> {
  const found = requireRedisServer();
  if (!found.available) throw new Error(found.reason);
  const work = await tempDir('tickline-redis');
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : START_ATTEMPTS); attempt++) {
    const port = options.port ?? (await freePort());
    const server = new RedisProcess(found.path!, port, work.path);
    try {
      await server.start();
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () => server.stop('SIGTERM'),
        kill: () => server.stop('SIGKILL'),
        pause: () => server.signal('SIGSTOP'),
        resume: () => server.signal('SIGCONT'),
        restart: async () => {
          await server.stop('SIGTERM');
          await server.start();
        },
        cleanup: async () => {
          await server.stop('SIGKILL');
          await work.remove();
        },
      };
    } catch (error) {
      // Most often the free port was taken before the server bound it: try another.
      lastError = error;
    }
  }
  await work.remove();
  throw lastError;
}

class RedisProcess {
  readonly #binary: string;
  readonly #port: number;
  readonly #dir: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = '';

  constructor(binary: string, port: number, dir: string) {
    this.#binary = binary;
    this.#port = port;
    this.#dir = dir;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const args = ['--port', String(this.#port), '--bind', '127.0.0.1', '--dir', this.#dir];
    // No persistence: the data is thrown away with the temp dir.
    args.push('--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning');
    const child = spawn(this.#binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    this.#child = child;
    this.#output = '';
    const keep = (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        exited = true;
        live.delete(child);
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await ping(this.#port))) {
      if (exited || Date.now() > deadline) {
        await this.stop('SIGKILL');
        throw new Error(`redis-server on port ${this.#port} did not answer PING\n${this.#output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  signal(name: NodeJS.Signals): void {
    this.#child?.kill(name);
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    // A paused process ignores SIGTERM until continued.
    child.kill('SIGCONT');
    child.kill(signal);
    await this.#exited;
  }
}

/** Whether a Redis on `port` answers `PING` with `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
