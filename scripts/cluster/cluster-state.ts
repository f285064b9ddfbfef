/**
 * @module The state file `npm run cluster -- up` writes and `status`/`down` read: the supervisor's
 * pid, the dependencies' URLs and every process with its role, pid and port. Parsed with zod, as
 * any file another process wrote; plus the status table `status` prints.
 */
import type { Topology } from '@tickline/testing';
import { z } from 'zod';

const Process = z.strictObject({
  /** `gateway-1`, `nats-2`, `postgres`… */
  name: z.string().min(1),
  /** A tickline role, or the dependency's kind (`postgres`, `nats`, `redis`). */
  role: z.string().min(1),
  /** Absent for a dependency whose pid the harness does not expose (probed by port instead). */
  pid: z.int().positive().optional(),
  port: z.int().positive(),
  /** HTTP base URL of a tickline process; absent for dependencies. */
  url: z.string().url().optional(),
});
export type ClusterStateProcess = z.infer<typeof Process>;

export const ClusterState = z.strictObject({
  /** The `up` process that owns everything and stops it on SIGTERM. */
  supervisorPid: z.int().positive(),
  baseDir: z.string().min(1),
  startedAt: z.string().min(1),
  databaseUrl: z.string().min(1),
  natsUrls: z.array(z.string().min(1)).min(1),
  redisUrl: z.string().min(1),
  stream: z.string().min(1),
  processes: z.array(Process),
});
export type ClusterState = z.infer<typeof ClusterState>;

/** Parses the state file's text; throws a readable error naming the file on bad content. */
export function parseClusterState(text: string, file: string): ClusterState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: is another program writing it?`);
  }
  const parsed = ClusterState.safeParse(json);
  if (!parsed.success)
    throw new Error(`${file} is not a cluster state file: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** One row of `status`: a process and what was probed. */
export interface StatusRow {
  process: ClusterStateProcess;
  alive: boolean;
  /** The /readyz status code, `-` for dependencies, `down` when it did not answer. */
  ready: string;
}

/** The `status` table: fixed-width columns, one line per process. */
export function formatStatusTable(rows: readonly StatusRow[]): string {
  const header = ['process', 'role', 'pid', 'port', 'alive', '/readyz', 'url'];
  const cells = rows.map((row) => [
    row.process.name,
    row.process.role,
    row.process.pid === undefined ? '-' : String(row.process.pid),
    String(row.process.port),
    row.alive ? 'yes' : 'NO',
    row.ready,
    row.process.url ?? '',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** What the state file says of a topology started at `startedAt` whose supervisor is `supervisorPid`. */
export function clusterStateOf(
  topology: Topology,
  supervisor: { pid: number; baseDir: string; startedAt: string },
): ClusterState {
  const dependency = (name: string, role: string, port: number): ClusterStateProcess => ({
    name,
    role,
    port,
  });
  return {
    supervisorPid: supervisor.pid,
    baseDir: supervisor.baseDir,
    startedAt: supervisor.startedAt,
    databaseUrl: topology.databaseUrl,
    natsUrls: topology.nats.urls,
    redisUrl: topology.redis.url,
    stream: topology.stream,
    processes: [
      dependency('postgres', 'postgres', topology.postgres.port),
      ...(topology.replica ? [dependency('postgres-replica', 'postgres', topology.replica.port)] : []),
      ...topology.nats.servers.map((server) => dependency(server.name, 'nats', server.port)),
      dependency('redis', 'redis', topology.redis.port),
      dependency('front', 'front', topology.front.port),
      ...topology.nodes.map((node) => ({
        name: node.name,
        role: node.role,
        pid: node.server?.child.pid,
        port: node.port,
        url: node.url,
      })),
    ],
  };
}
