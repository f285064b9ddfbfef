/**
 * @module What the zone e2e tests read back: a zone's event `seq`s in the NATS log (continuous,
 * no repeat, across processes), where bots stand, and when and where they resumed.
 */
import { createNatsEventLog } from '@tickline/eventlog';
import { decodeEvent, type EventEnvelope } from '@tickline/kernel';
import { subjectPrefixFor } from '../../wiring/event-logs.ts';
import type { BotRecord } from './outage-fleet.ts';

/** Calls `visit` with every game event of the cluster's main log, in log order. */
async function eachGameEvent(
  env: Readonly<Record<string, string>>,
  visit: (event: EventEnvelope) => void,
): Promise<void> {
  const stream = env.TICKLINE_EVENTLOG_NATS_STREAM!;
  const log = await createNatsEventLog({
    servers: env.TICKLINE_EVENTLOG_NATS_SERVERS!,
    stream,
    subjectPrefix: subjectPrefixFor(stream),
  });
  try {
    const { last } = await log.head();
    for (let from = 1; from <= last; ) {
      const batch = await log.read({ from, limit: 1_000 });
      if (batch.length === 0) break;
      for (const record of batch) if (record.type.startsWith('game.')) visit(decodeEvent(record.payload));
      from = batch.at(-1)!.offset + 1;
    }
  } finally {
    await log.close();
  }
}

/** The `seq` of every event `zoneId` published, in log order. */
export async function zoneSeqs(env: Readonly<Record<string, string>>, zoneId: string): Promise<number[]> {
  const seqs: number[] = [];
  await eachGameEvent(env, (event) => {
    if (event.source === `zone/${zoneId}`) seqs.push(event.seq);
  });
  return seqs;
}

/**
 * The events of `zoneId` whose seq the log holds more than once, in log order (for messages: their
 * times and ids say which process published each copy, against the processes' logs).
 */
export async function repeatedSeqEvents(
  env: Readonly<Record<string, string>>,
  zoneId: string,
  limit = 12,
): Promise<string[]> {
  const bySeq = new Map<number, EventEnvelope[]>();
  await eachGameEvent(env, (event) => {
    if (event.source !== `zone/${zoneId}`) return;
    const same = bySeq.get(event.seq) ?? [];
    same.push(event);
    bySeq.set(event.seq, same);
  });
  return [...bySeq.values()]
    .filter((same) => same.length > 1)
    .flat()
    .slice(0, limit)
    .map((e) => `seq ${e.seq} ${e.type} ${e.subject} at ${e.time} id ${e.id}`);
}

/** `game.player.moved` events in the log, by player id. */
export async function movesLogged(env: Readonly<Record<string, string>>): Promise<Map<string, number>> {
  const moves = new Map<string, number>();
  await eachGameEvent(env, (event) => {
    if (event.type === 'game.player.moved') moves.set(event.subject, (moves.get(event.subject) ?? 0) + 1);
  });
  return moves;
}

/** What breaks `seqs` being 1…n, each once: the seqs seen twice and the ones missing (for messages). */
export function seqProblems(seqs: readonly number[]): string {
  const seen = new Map<number, number>();
  for (const seq of seqs) seen.set(seq, (seen.get(seq) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([seq]) => seq);
  const max = Math.max(0, ...seqs);
  const missing: number[] = [];
  for (let seq = 1; seq <= max; seq++) if (!seen.has(seq)) missing.push(seq);
  return `${seqs.length} events up to ${max}; twice: ${twice.slice(0, 10).join(',') || 'none'}${twice.length > 10 ? '…' : ''}; missing: ${missing.slice(0, 10).join(',') || 'none'}${missing.length > 10 ? '…' : ''}`;
}

/** Whether `seqs` is 1…n, each once (in any order). */
export function isContinuous(seqs: readonly number[]): boolean {
  const sorted = [...seqs].sort((a, b) => a - b);
  return sorted.every((seq, i) => seq === i + 1);
}

/** Where each bot stands, by player id. */
export function positions(records: readonly BotRecord[]): Map<string, { x: number; y: number }> {
  return new Map(records.map((r) => [r.playerId, { ...r.bot.game.position }]));
}

/** A resume as a bot saw it: when (`performance.now()`), where the welcome put it, in which zone. */
export interface SeenResume {
  at: number;
  x: number;
  y: number;
  zoneId: string;
}

/** Records the latest resume of each of `records`, by player id (`clear()` it between moves). */
export function watchResumes(records: readonly BotRecord[]): Map<string, SeenResume> {
  const resumed = new Map<string, SeenResume>();
  for (const r of records)
    r.bot.game.on('resumed', (welcome) =>
      resumed.set(r.playerId, { at: performance.now(), x: welcome.x, y: welcome.y, zoneId: welcome.zoneId }),
    );
  return resumed;
}
