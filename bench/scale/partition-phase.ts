/**
 * @module The partitioned game log's rows of `npm run bench:scale`: moves (`game.player.moved`-
 * shaped records, 256 zones) appended as fast as the log takes them to 1 and to 4 partitions
 * (streams `<name>_GAME<i>`, a zone's records in the partition its id hashes to, as the game
 * processes publish them) on one nats-server: nats-server CPU per logged move and the largest
 * move rate it sustained. Each partition is appended by its own log (connection), as each game
 * process's partition publishers do; the partitions' appends run side by side.
 */
import { createNatsEventLog, partitionIndex, type AppendRecord, type EventLog } from '@tickline/eventlog';
import { startNatsServer } from '@tickline/testing';
import { cpuMicros } from '../lib/proc-stat.ts';
import { progress } from '../lib/report.ts';

/** One partition count's figures. */
export interface PartitionRow {
  partitions: number;
  moves: number;
  /** Moves per second over the whole run (appends as fast as acknowledged). */
  movesPerS: number;
  /** nats-server CPU per logged move. */
  natsUsPerMove: number;
  /** nats-server cores busy during the run. */
  natsCores: number;
  /** The appending process's CPU per move (the producers' side). */
  clientUsPerMove: number;
}

const ZONES = 256;
const BATCH = 500;
const PAYLOAD = new Uint8Array(120);

function move(zone: number, i: number): AppendRecord {
  return {
    id: `m-${zone}-${i}-${Math.random()}`,
    key: `zone-${zone}`,
    type: 'game.player.moved',
    payload: PAYLOAD,
  };
}

/** Appends `moves` spread over zones to `partitions` streams; returns the row. */
async function runOne(url: string, pid: number, partitions: number, moves: number): Promise<PartitionRow> {
  const logs: EventLog[] = [];
  for (let i = 0; i < partitions; i++) {
    const stream = `BENCH_P${partitions}_GAME${i}`;
    logs.push(await createNatsEventLog({ servers: url, stream, subjectPrefix: `tickline.${stream}` }));
  }
  // Each partition's share of the moves, its zones only (the hash decides, as in production).
  const queues: AppendRecord[][] = logs.map(() => []);
  for (let i = 0; i < moves; i++) {
    const zone = i % ZONES;
    queues[partitionIndex(`zone-${zone}`, partitions)]!.push(move(zone, i));
  }
  // Warm-up: a batch per partition (stream creation and connection set-up stay out of the figures).
  await Promise.all(
    logs.map((log, p) => log.append(Array.from({ length: BATCH }, (_, i) => move(p, -i - 1)))),
  );
  const cpu0 = cpuMicros(pid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    logs.map(async (log, p) => {
      const queue = queues[p]!;
      for (let i = 0; i < queue.length; i += BATCH) await log.append(queue.slice(i, i + BATCH));
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const natsUs = cpuMicros(pid) - cpu0;
  const client = process.cpuUsage(client0);
  await Promise.all(logs.map((log) => log.close()));
  return {
    partitions,
    moves,
    movesPerS: moves / seconds,
    natsUsPerMove: natsUs / moves,
    natsCores: natsUs / 1e6 / seconds,
    clientUsPerMove: (client.user + client.system) / moves,
  };
}

/** The rows for each of `counts` partitions, `moves` moves each, on a nats-server of their own. */
export async function runPartitionPhase(counts: readonly number[], moves: number): Promise<PartitionRow[]> {
  const server = await startNatsServer();
  try {
    const rows: PartitionRow[] = [];
    for (const partitions of counts) {
      progress(`game log on ${partitions} partition(s): ${moves} moves`);
      rows.push(await runOne(server.url, server.pid()!, partitions, moves));
    }
    return rows;
  } finally {
    await server.cleanup();
  }
}
