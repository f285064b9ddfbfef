/**
 * @module The dashboard at scale, for the browser: the topology `npm run cluster` starts (see
 * `@tickline/testing`) — two gateways behind one address, a strategy, platform, game and
 * collector process — on a real nats-server, PostgreSQL and redis-server, with a fresh build of the
 * dashboard, which every gateway serves. Missing servers skip locally and fail under CI=true.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTopology, requireBinary, requirePostgresBinaries, requireRedisServer, type Topology, type TopologyOptions } from '@tickline/testing';
import { buildDashboardIfStale, initialAdmin } from './dashboard.ts';

/** Whether nats-server, PostgreSQL and redis-server are here, and the reason shown when not. */
export function scaledDependencies(): { available: boolean; reason: string } {
  const lookups = [requireBinary('nats-server', 'nats-server'), requirePostgresBinaries(), requireRedisServer()];
  const missing = lookups.find((lookup) => !lookup.available);
  return { available: missing === undefined, reason: missing?.reason ?? 'nats-server, postgres and redis-server found' };
}

/** The topology with the dashboard at `url`, the one address in front of its gateways. */
export interface ScaledDashboard {
  url: string;
  topology: Topology;
  /** The first-run admin (written by the first process with identity to start: the platform). */
  initialAdmin(): { email: string; password: string };
  /** What the topology logged while starting (printed when a step fails). */
  progress: readonly string[];
  stop(): Promise<void>;
}

/** Builds the dashboard if needed, then starts the topology with `options` on top of the defaults. */
export async function startScaledDashboard(
  options: Pick<TopologyOptions, 'roles' | 'env'> = {},
): Promise<ScaledDashboard> {
  buildDashboardIfStale();
  const baseDir = mkdtempSync(join(tmpdir(), 'tickline-web-scaled-'));
  const progress: string[] = [];
  // One NATS node and no read replica: the browser walks the product, not the log's replication;
  // two cores carry the rest (six tickline processes and Chromium).
  const topology = await startTopology({
    baseDir,
    log: (line) => progress.push(line),
    natsNodes: 1,
    readReplica: false,
    roles: { platform: 1, gateway: 2, collector: 1, game: 1, strategy: 1, ...options.roles },
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    url: topology.front.url,
    topology,
    progress,
    initialAdmin() {
      const holder = topology.nodes.find((node) => existsSync(join(node.dataDir, 'secrets', 'initial-admin.txt')));
      if (!holder) throw new Error('no process wrote the first-run admin');
      return initialAdmin(holder);
    },
    async stop() {
      await topology.stop();
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}
