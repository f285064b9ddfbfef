/**
 * @module What the chaos run and the soak read from a running topology: /readyz and /metrics of
 * every tickline process (consumer lag, RSS, tick histogram), and an audit of the whole NATS log
 * (events per type, ids seen twice, moves per player, trades, a zone's sequence).
 */
import { createNatsEventLog } from '@tickline/eventlog';
import { decodeEvent } from '@tickline/kernel';
import { parseMetrics, type MetricSample } from './trend.ts';
import type { TicklineNode, Topology } from '@tickline/testing';

/** The /readyz status code, or undefined when the process did not answer. */
export async function readyStatus(url: string): Promise<number | undefined> {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) })).status;
  } catch {
    return undefined;
  }
}

/** The /metrics page of a process as samples; undefined when it did not answer. */
export async function metricsOf(url: string): Promise<MetricSample[] | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? parseMetrics(await res.text()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the stream as the processes do. `replicas` must be theirs: opening a log makes sure the
 * stream has the configured settings, and a probe left at the default of 1 scaled the R3 stream
 * down under the running processes — their durable consumers then stopped at once.
 */
function openLog(servers: string, stream: string, replicas: number) {
  // The server's subject rule for a stream other than the default (wiring/event-logs.ts).
  return createNatsEventLog({ servers, stream, replicas, subjectPrefix: `tickline.${stream}` });
}

/**
 * The streams of a topology's log: the main stream and, with `TICKLINE_EVENTLOG_GAME_PARTITIONS`
 * above 1, the game log's partitions (`<stream>_GAME<i>`, wiring/game-log.ts).
 */
export function topologyStreams(env: Readonly<Record<string, string>>): string[] {
  const stream = env.TICKLINE_EVENTLOG_NATS_STREAM!;
  const partitions = Number(env.TICKLINE_EVENTLOG_GAME_PARTITIONS ?? 1);
  return [
    stream,
    ...(partitions > 1 ? Array.from({ length: partitions }, (_, i) => `${stream}_GAME${i}`) : []),
  ];
}

/** The stream a consumer reads: a platform's `<group>-game-<i>` reads partition i, the rest the main stream. */
function streamOfConsumer(streams: readonly string[], name: string): string {
  const partition = /-game-(\d+)$/.exec(name)?.[1];
  return (partition !== undefined && streams[Number(partition) + 1]) || streams[0]!;
}

/** The consumers' lag: how far the most advanced holder of each consumer is behind the log's head. */
export interface LagProbe {
  /** The largest lag of any consumer, and whose it is; Infinity while NATS does not answer. */
  max(): Promise<{ lag: number; where: string }>;
  close(): Promise<void>;
}

interface ReadyInfo {
  services?: Record<string, { info?: { lastOffset?: unknown } }>;
}

/**
 * Opens a {@link LagProbe}. A consumer's position is the largest `lastOffset` its holders report
 * on /readyz: two processes of a role share each durable consumer, and the lag that matters is
 * that of the one making progress. Neither the processes' `tickline_consumer_lag` gauge nor
 * JetStream's pending count serves here: both count from the consumer's ack floor, which a holder
 * that took messages and sits idle keeps low (seen with two platform processes: the floor stayed
 * at 8 while the other holder was thousands of records further).
 */
export async function openLagProbe(
  servers: string,
  streams: readonly string[],
  replicas: number,
  nodes: readonly TicklineNode[],
): Promise<LagProbe> {
  const logs = await Promise.all(streams.map((stream) => openLog(servers, stream, replicas)));
  return {
    async max() {
      const heads = new Map<string, number>();
      try {
        for (const [i, log] of logs.entries()) heads.set(streams[i]!, (await log.head()).last);
      } catch {
        return { lag: Infinity, where: 'NATS did not answer' };
      }
      const positions = new Map<string, number>();
      for (const node of nodes) {
        if (!node.server) continue;
        const ready = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(3_000) })
          .then((res) => res.json() as Promise<ReadyInfo>)
          .catch(() => undefined);
        for (const [name, service] of Object.entries(ready?.services ?? {})) {
          const offset = service.info?.lastOffset;
          if (typeof offset === 'number') positions.set(name, Math.max(positions.get(name) ?? 0, offset));
        }
      }
      let worst = { lag: 0, where: '-' };
      for (const [name, offset] of positions) {
        const head = heads.get(streamOfConsumer(streams, name))!;
        if (head - offset > worst.lag) worst = { lag: head - offset, where: name };
      }
      return worst;
    },
    close: async () => void (await Promise.all(logs.map((log) => log.close()))),
  };
}

/** What the whole log holds, read from its start. */
export interface LogAudit {
  records: number;
  /** Event ids seen more than once. */
  duplicateIds: number;
  /** `game.player.moved` per player (the event's subject). */
  moves: Map<string, number>;
  /**
   * Distinct market trades and trade events. A trade is keyed as `market_trades` keys it: exchange,
   * symbol, trade id and exchange time (the two collectors' simulators share an exchange name and
   * number their trades alike, at different times).
   */
  trades: { distinct: number; events: number };
  /** Event ids of `market.trade` per symbol, in log order (what a stream of the symbol must deliver). */
  tradeIds: Map<string, string[]>;
  /** `seq` of each zone's events, by zone id, in log order. */
  zoneSeqs: Map<string, number[]>;
  /** The streams each zone's events were found in (one, on a partitioned game log its partition). */
  zoneStreams: Map<string, Set<string>>;
}

/** Reads the whole of each of `streams` on `servers` (the main stream and the game log's partitions) and audits them together. */
export async function auditLog(
  servers: string,
  streams: readonly string[],
  replicas: number,
): Promise<LogAudit> {
  const ids = new Set<string>();
  const tradeKeys = new Set<string>();
  const audit: LogAudit = {
    records: 0,
    duplicateIds: 0,
    moves: new Map(),
    trades: { distinct: 0, events: 0 },
    tradeIds: new Map(),
    zoneSeqs: new Map(),
    zoneStreams: new Map(),
  };
  for (const stream of streams)
    await auditStream(stream, await openLog(servers, stream, replicas), audit, ids, tradeKeys);
  audit.trades.distinct = tradeKeys.size;
  return audit;
}

/** Adds one stream's records to `audit`. */
async function auditStream(
  stream: string,
  log: Awaited<ReturnType<typeof openLog>>,
  audit: LogAudit,
  ids: Set<string>,
  tradeKeys: Set<string>,
): Promise<void> {
  try {
    const { last } = await log.head();
    for (let from = 1; from <= last;) {
      const batch = await log.read({ from, limit: 1_000 });
      if (batch.length === 0) break;
      for (const record of batch) {
        audit.records++;
        if (ids.has(record.id)) audit.duplicateIds++;
        ids.add(record.id);
        if (
          record.type === 'game.player.moved' ||
          record.type === 'market.trade' ||
          record.type.startsWith('game.')
        ) {
          const event = decodeEvent(record.payload);
          if (record.type === 'game.player.moved')
            audit.moves.set(event.subject, (audit.moves.get(event.subject) ?? 0) + 1);
          if (record.type === 'market.trade') {
            audit.trades.events++;
            const data = event.data as {
              exchange?: string;
              symbol?: string;
              tradeId?: string;
              exchangeTime?: number;
            };
            tradeKeys.add(`${data.exchange}|${data.symbol}|${data.tradeId}|${data.exchangeTime}`);
            const ofSymbol = audit.tradeIds.get(String(data.symbol)) ?? [];
            ofSymbol.push(record.id);
            audit.tradeIds.set(String(data.symbol), ofSymbol);
          }
          if (record.type.startsWith('game.') && event.source.startsWith('zone/')) {
            const zone = event.source.slice('zone/'.length);
            const seqs = audit.zoneSeqs.get(zone) ?? [];
            seqs.push(event.seq);
            audit.zoneSeqs.set(zone, seqs);
            audit.zoneStreams.set(zone, (audit.zoneStreams.get(zone) ?? new Set()).add(stream));
          }
        }
      }
      from = batch.at(-1)!.offset + 1;
    }
  } finally {
    await log.close();
  }
}

/**
 * What a stream missed or got twice: `received` (event ids in arrival order) against `logged` (the
 * channel's ids in log order), over the stretch of the log from the first to the last id received.
 */
export function streamGaps(
  received: readonly string[],
  logged: readonly string[],
): { missing: string[]; duplicates: string[]; unknown: string[] } {
  const at = new Map(logged.map((id, i) => [id, i]));
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const unknown: string[] = [];
  for (const id of received) {
    if (seen.has(id)) duplicates.push(id);
    seen.add(id);
    if (!at.has(id)) unknown.push(id);
  }
  const positions = [...seen].map((id) => at.get(id)).filter((i) => i !== undefined);
  if (positions.length === 0) return { missing: [], duplicates, unknown };
  const first = Math.min(...positions);
  const last = Math.max(...positions);
  const missing = logged.slice(first, last + 1).filter((id) => !seen.has(id));
  return { missing, duplicates, unknown };
}

/** Whether `seqs` is 1…n, each once (in any order). */
export function isContinuous(seqs: readonly number[]): boolean {
  const sorted = [...seqs].sort((a, b) => a - b);
  return sorted.every((seq, i) => seq === i + 1);
}

/** What is wrong with a zone's `seqs`: how many of 1…max are missing and how many repeat, the first of each. */
export function seqFaults(seqs: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
  const max = Math.max(0, ...seqs);
  const missing: number[] = [];
  for (let seq = 1; seq <= max; seq++) if (!counts.has(seq)) missing.push(seq);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([seq]) => seq).sort((a, b) => a - b);
  return `${missing.length} missing${missing.length ? ` (from ${missing[0]})` : ''}, ${repeated.length} repeated${repeated.length ? ` (from ${repeated[0]})` : ''}`;
}

/** {@link openLagProbe} on a started topology's stream and processes. */
export function openTopologyLagProbe(topology: Topology): Promise<LagProbe> {
  return openLagProbe(
    topology.env.TICKLINE_EVENTLOG_NATS_SERVERS!,
    topologyStreams(topology.env),
    Number(topology.env.TICKLINE_EVENTLOG_NATS_REPLICAS),
    topology.nodes,
  );
}
