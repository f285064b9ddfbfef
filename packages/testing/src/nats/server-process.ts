/** @module One nats-server child process: spawn, wait until ready, stop, kill, restart. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canConnect } from '../free-port.ts';

/** How long a start or restart may take before it is reported as failed. */
export const SERVER_READY_TIMEOUT_MS = 20_000;
/** How long `stop()` waits after SIGTERM before escalating to SIGKILL. */
export const SERVER_STOP_TIMEOUT_MS = 10_000;
const LOG_LINES_KEPT = 40;
const HEALTH_POLL_MS = 50;

/** Everything needed to (re)start one server with the same identity. */
export interface ServerSpec {
  binary: string;
  /** Written to `<configDir>/nats-server.conf`; restart reuses it, so ports and store stay. */
  config: string;
  configDir: string;
  port: number;
  monitorPort: number;
  extraArgs: string[];
}

// Children still running when the test process exits would keep ports and dirs busy.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A nats-server child that can be stopped and started again on the same port and store. */
export class ServerProcess {
  readonly spec: ServerSpec;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #log: string[] = [];

  constructor(spec: ServerSpec) {
    this.spec = spec;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The running server's process id (for CPU and memory readings), undefined while it is down. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The last lines the server wrote, for error messages. */
  recentLog(): string {
    return this.#log.join('\n');
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const configPath = join(this.spec.configDir, 'nats-server.conf');
    await writeFile(configPath, this.spec.config);
    const child = spawn(this.spec.binary, ['-c', configPath, ...this.spec.extraArgs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    live.add(child);
    this.#child = child;
    let exitCode: number | null | undefined;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitCode = code ?? (signal ? -1 : 0);
        live.delete(child);
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) this.#log.push(line);
      if (this.#log.length > LOG_LINES_KEPT) this.#log.splice(0, this.#log.length - LOG_LINES_KEPT);
    });
    try {
      await this.#waitReady(() => exitCode !== undefined);
    } catch (error) {
      await this.kill();
      throw new Error(
        `nats-server on port ${this.spec.port} did not become ready: ${(error as Error).message}\n${this.recentLog()}`,
      );
    }
  }

  /** SIGTERM, then SIGKILL if it lingers; resolves once the process has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(timer);
  }

  /** SIGKILL (a crash); resolves once the process has exited. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /**
   * Ready means: the client port accepts and `/healthz` answers ok. On 2.9 `/healthz` also checks
   * JetStream (meta leader known, assigned streams and consumers current when clustered), so a
   * client connecting right after can use JetStream.
   */
  async #waitReady(exited: () => boolean): Promise<void> {
    const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
    const url = `http://127.0.0.1:${this.spec.monitorPort}/healthz`;
    for (;;) {
      if (exited()) throw new Error('the process exited');
      const ok =
        (await canConnect(this.spec.port)) &&
        (await fetch(url, { signal: AbortSignal.timeout(1000) })
          .then((r) => r.ok)
          .catch(() => false));
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${url} not ok within ${SERVER_READY_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
    }
  }
}
