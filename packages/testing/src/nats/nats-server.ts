/**
 * @module Real nats-server instances for integration tests: one server with JetStream on free
 * ports and a temp store, or a 3-node JetStream cluster.
 *
 * Debian's nats-server is 2.9.10: JetStream acknowledges a publish before it fsyncs (the store
 * syncs on a fixed 2-minute interval; `sync_interval: always` only exists from 2.10). A single
 * node can therefore lose acknowledged messages on a machine crash; durability comes from R3
 * streams on a cluster, where an ack means a quorum holds the message.
 */
import { freePort } from '../free-port.ts';
import { requireBinary } from '../binary.ts';
import { tempDir, type TempDir } from '../temp-dir.ts';
import { ServerProcess } from './server-process.ts';

/** A running (or stopped) nats-server. */
export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  /** The name in `server_name` (the JetStream peer name on a cluster). */
  name: string;
  /** The running server's process id; undefined while it is down. */
  pid(): number | undefined;
  /** SIGTERM, wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, wait for exit. */
  kill(): Promise<void>;
  /** Starts again on the same port and store dir (stopping first if running); waits until ready. */
  restart(): Promise<void>;
  /** Stops if running and removes the temp dirs. */
  cleanup(): Promise<void>;
}

/** Options for {@link startNatsServer}. */
export interface StartNatsServerOptions {
  /** @default true */
  jetstream?: boolean;
  /** Client port. @default a free port */
  port?: number;
  /** JetStream store; kept on cleanup when given. @default a temp dir */
  storeDir?: string;
  /** Extra command-line arguments, e.g. `['--user', 'u', '--pass', 'p']`. */
  args?: string[];
}

const START_ATTEMPTS = 3;

export function nodeConfig(fields: {
  name: string;
  port: number;
  monitorPort: number;
  storeDir?: string;
  cluster?: { listenPort: number; routePorts: number[] };
}): string {
  const lines = [
    `server_name: "${fields.name}"`,
    `listen: "127.0.0.1:${fields.port}"`,
    `http: "127.0.0.1:${fields.monitorPort}"`,
  ];
  if (fields.storeDir) lines.push(`jetstream { store_dir: ${JSON.stringify(fields.storeDir)} }`);
  if (fields.cluster) {
    const routes = fields.cluster.routePorts.map((p) => `"nats-route://127.0.0.1:${p}"`).join(', ');
    lines.push(
      `cluster { name: "tickline-test", listen: "127.0.0.1:${fields.cluster.listenPort}", routes: [${routes}] }`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Finds nats-server or throws with the reason (callers that may skip use `requireBinary`). */
export function natsServerBinary(): string {
  const found = requireBinary('nats-server', 'nats-server');
  if (!found.available) throw new Error(found.reason);
  return found.path!;
}

/** Wraps a process and the dirs it owns into a handle. */
export function serverHandle(
  name: string,
  proc: ServerProcess,
  storeDir: string,
  owned: TempDir[],
): NatsServerHandle {
  return {
    name,
    url: `nats://127.0.0.1:${proc.spec.port}`,
    port: proc.spec.port,
    storeDir,
    pid: () => proc.pid,
    stop: () => proc.stop(),
    kill: () => proc.kill(),
    restart: async () => {
      await proc.stop();
      await proc.start();
    },
    cleanup: async () => {
      await proc.stop();
      await Promise.all(owned.map((d) => d.remove()));
    },
  };
}

/**
 * Starts `nats-server` (with JetStream by default) on 127.0.0.1 and waits until it is ready.
 * @example
 * const nats = await startNatsServer();
 * try { ... connect({ servers: nats.url }) ... } finally { await nats.cleanup(); }
 */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = natsServerBinary();
  const jetstream = options.jetstream ?? true;
  const work = await tempDir('tickline-nats');
  const owned = [work];
  const storeDir = options.storeDir ?? work.path;
  let lastError: unknown;
  // A free port may be taken by someone else before the server binds it: retry with new ones.
  for (let attempt = 0; attempt < (options.port ? 1 : START_ATTEMPTS); attempt++) {
    const port = options.port ?? (await freePort());
    const monitorPort = await freePort();
    const proc = new ServerProcess({
      binary,
      configDir: work.path,
      port,
      monitorPort,
      extraArgs: options.args ?? [],
      config: nodeConfig({ name: `tickline-${port}`, port, monitorPort, ...(jetstream ? { storeDir } : {}) }),
    });
    try {
      await proc.start();
      return serverHandle(`tickline-${port}`, proc, storeDir, owned);
    } catch (error) {
      lastError = error;
    }
  }
  await work.remove();
  throw lastError;
}
