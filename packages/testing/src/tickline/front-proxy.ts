/**
 * @module One address in front of several gateways, as a Kubernetes Service (kube-proxy) or a TCP
 * load balancer puts it: each new connection goes to the next backend in turn and stays with it
 * for its life. `route(ports)` changes the set for new connections only — what a Service's
 * selector flip does in a blue/green release; connections already open keep their backend until
 * one side closes them, which is why the old colour must drain. A backend that refuses the
 * connection (its process is gone) is skipped for the next, as a readiness-probed Service would
 * have dropped it.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A running front. */
export interface FrontProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The ports new connections go to. */
  backends(): readonly number[];
  /** Sends new connections to `ports` from now on (open connections stay where they are). */
  route(ports: readonly number[]): void;
  /** Open client connections, by backend port. */
  open(): ReadonlyMap<number, number>;
  close(): Promise<void>;
}

/** Options for {@link startFrontProxy}. */
export interface FrontProxyOptions {
  backends: readonly number[];
  /** @default 0: a free port */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
}

/** Starts the front on `host:port`. */
export async function startFrontProxy(options: FrontProxyOptions): Promise<FrontProxy> {
  const host = options.host ?? '127.0.0.1';
  let backends = [...options.backends];
  let turn = 0;
  const open = new Map<number, number>();
  const sockets = new Set<Socket>();

  /** Connects to the next backend that accepts, trying each once. */
  const pick = (client: Socket, tried = 0): void => {
    if (backends.length === 0 || tried >= backends.length) {
      client.destroy();
      return;
    }
    const port = backends[turn++ % backends.length]!;
    const upstream = connect({ host, port });
    const refused = () => pick(client, tried + 1);
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      open.set(port, (open.get(port) ?? 0) + 1);
      sockets.add(upstream);
      upstream.once('close', () => {
        sockets.delete(upstream);
        open.set(port, (open.get(port) ?? 1) - 1);
      });
      // Either side closing or failing ends both: the client sees what it would see direct.
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    pick(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    backends: () => backends,
    route(ports) {
      backends = [...ports];
    },
    open: () => open,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
