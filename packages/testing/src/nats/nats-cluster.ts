/** @module A 3-node (by default) nats-server cluster with JetStream, for fault tests. */
import { freePort } from '../free-port.ts';
import { tempDir } from '../temp-dir.ts';
import { natsServerBinary, nodeConfig, serverHandle, type NatsServerHandle } from './nats-server.ts';
import { ServerProcess } from './server-process.ts';

/** A running cluster. */
export interface NatsClusterHandle {
  servers: NatsServerHandle[];
  /** Client URLs of every node, for `servers:` in a client. */
  urls: string[];
  /** Stops every node and removes the temp dirs. */
  cleanup(): Promise<void>;
}

/** Options for {@link startNatsCluster}. */
export interface StartNatsClusterOptions {
  /** @default 3 */
  size?: number;
}

const META_LEADER_TIMEOUT_MS = 20_000;
const META_POLL_MS = 100;

interface JszMeta {
  meta_cluster?: { leader?: string; cluster_size?: number; replicas?: { current?: boolean }[] };
}

/**
 * Starts `size` nodes with routes to each other, each with its own `server_name` and store dir,
 * and waits until every node is healthy and the meta leader sees all peers current, so a stream
 * with `num_replicas: size` can be created at once.
 */
export async function startNatsCluster(options: StartNatsClusterOptions = {}): Promise<NatsClusterHandle> {
  const binary = natsServerBinary();
  const size = options.size ?? 3;
  const nodes = await Promise.all(
    Array.from({ length: size }, async (_, i) => ({
      name: `n${i + 1}`,
      dir: await tempDir(`tickline-nats-n${i + 1}`),
      port: await freePort(),
      monitorPort: await freePort(),
      clusterPort: await freePort(),
    })),
  );
  const procs = nodes.map(
    (node) =>
      new ServerProcess({
        binary,
        configDir: node.dir.path,
        port: node.port,
        monitorPort: node.monitorPort,
        extraArgs: [],
        config: nodeConfig({
          name: node.name,
          port: node.port,
          monitorPort: node.monitorPort,
          storeDir: node.dir.path,
          cluster: {
            listenPort: node.clusterPort,
            routePorts: nodes.filter((n) => n !== node).map((n) => n.clusterPort),
          },
        }),
      }),
  );
  const servers = nodes.map((node, i) => serverHandle(node.name, procs[i]!, node.dir.path, [node.dir]));
  const cleanup = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.cleanup()));
  };
  try {
    // All at once: a node alone never reports healthy, it needs a meta leader.
    await Promise.all(procs.map((p) => p.start()));
    await waitForMetaPeers(
      nodes.map((n) => n.monitorPort),
      size,
    );
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { servers, urls: servers.map((s) => s.url), cleanup };
}

async function waitForMetaPeers(monitorPorts: number[], size: number): Promise<void> {
  const deadline = Date.now() + META_LEADER_TIMEOUT_MS;
  for (;;) {
    for (const port of monitorPorts) {
      const jsz = (await fetch(`http://127.0.0.1:${port}/jsz`, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.json())
        .catch(() => undefined)) as JszMeta | undefined;
      const meta = jsz?.meta_cluster;
      // Only the leader lists its followers' state; it needs all of them current.
      const current = meta?.replicas?.filter((r) => r.current).length ?? 0;
      if (meta?.leader && meta.cluster_size === size && current === size - 1) return;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no JetStream meta leader with ${size} current peers within ${META_LEADER_TIMEOUT_MS} ms`,
      );
    await new Promise((r) => setTimeout(r, META_POLL_MS));
  }
}
