/**
 * @module Reads a rules room's journal back from the log (see room-journal.ts): the room's
 * records, newest first from the log's head, down to its opening — or, for a recovery from a
 * snapshot, only down to the first record that covers the snapshot's tick. Both a replay
 * (room-replay.ts) and a recovery on another process (room-recovery.ts) step a room from it.
 */
import { decodeEvent, TicklineError } from '@tickline/kernel';
import type { EventLog, LogRecord } from '@tickline/eventlog';
import { decodeRoomCommand } from '@tickline/protocol';
import type { z } from 'zod';
import type { RoomInput } from '../rules/index.ts';
import { RejectReason } from '../zone/errors.ts';
import { RoomOpened, RoomTicks, type JournalEntry } from './room-journal.ts';

/** Log records one read goes back through at most, looking for the room's records. */
export const REPLAY_MAX_SCAN_RECORDS = 2_000_000;
const READ_BATCH = 4_096;

export type RoomOpenedData = z.infer<typeof RoomOpened.schema>;

/** What the log holds of one room. */
export interface RoomJournalRead {
  /** The room's opening; undefined when the read stopped at `sinceTick` first. */
  opened: RoomOpenedData | undefined;
  /** Each logged tick's time. */
  times: Map<number, number>;
  /** The entries applied before each tick's step, in order. */
  entries: Map<number, JournalEntry[]>;
  /** Steps over several ticks, by their first tick: how many ticks (absent: one). */
  folds: Map<number, number>;
  /** The last tick logged with every tick before it (from `sinceTick` on, for a partial read). */
  loggedThroughTick: number;
}

export interface ReadRoomJournalOptions {
  /** @default REPLAY_MAX_SCAN_RECORDS */
  maxScanRecords?: number;
  /**
   * Stop at the first record (going back) that starts at or before this tick: every entry of a
   * later tick is in it or after it. @default 0 (read down to the opening)
   */
  sinceTick?: number;
}

const journalError = (code: string, message: string, details: Record<string, unknown>) =>
  new TicklineError(code, message, { details });

/** Reads the room's journal. @throws GAME_REPLAY_NOT_FOUND, GAME_REPLAY_TOO_LARGE */
export async function readRoomJournal(
  log: Pick<EventLog, 'read' | 'head'>,
  roomId: string,
  options: ReadRoomJournalOptions = {},
): Promise<RoomJournalRead> {
  const maxScan = options.maxScanRecords ?? REPLAY_MAX_SCAN_RECORDS;
  const sinceTick = options.sinceTick ?? 0;
  const { first, last } = await log.head();
  const found: LogRecord[] = [];
  let scanned = 0;
  let complete = false;
  for (let end = last; end >= Math.max(first, 1) && !complete; end -= READ_BATCH) {
    const from = Math.max(first, 1, end - READ_BATCH + 1);
    const records = await log.read({ from, limit: end - from + 1 });
    scanned += records.length;
    for (let i = records.length - 1; i >= 0 && !complete; i--) {
      const r = records[i]!;
      if (r.key !== roomId || (r.type !== RoomOpened.type && r.type !== RoomTicks.type)) continue;
      found.unshift(r);
      complete = r.type === RoomOpened.type || (sinceTick > 0 && ticksOf(r).fromTick <= sinceTick);
    }
    if (!complete && scanned >= maxScan)
      throw journalError(
        RejectReason.ReplayTooLarge,
        `no opening of room ${roomId} in the last ${scanned} log records`,
        {
          roomId,
          scanned,
        },
      );
  }
  if (!complete)
    throw journalError(RejectReason.ReplayNotFound, `the log holds no opening of room ${roomId}`, { roomId });
  const opened =
    found[0]!.type === RoomOpened.type
      ? RoomOpened.schema.parse(decodeEvent(found[0]!.payload).data)
      : undefined;
  const times = new Map<number, number>();
  const entries = new Map<number, JournalEntry[]>();
  const folds = new Map<number, number>();
  for (const record of found) {
    if (record.type !== RoomTicks.type) continue;
    const batch = ticksOf(record);
    batch.times.forEach((t, i) => times.set(batch.fromTick + i, t));
    for (const [first, ticks] of batch.folds ?? []) folds.set(first, ticks);
    for (const e of batch.entries) {
      const list = entries.get(e[0]);
      if (list) list.push(e);
      else entries.set(e[0], [e]);
    }
  }
  let loggedThroughTick = opened ? 0 : sinceTick;
  while (times.has(loggedThroughTick + 1)) loggedThroughTick++;
  return { opened, times, entries, folds, loggedThroughTick };
}

function ticksOf(record: LogRecord): z.infer<typeof RoomTicks.schema> {
  return RoomTicks.schema.parse(decodeEvent(record.payload).data);
}

/** The room input a journal entry of kind join, leave, mute or command stands for. */
export function inputOf(
  kind: JournalEntry[1],
  playerId: string,
  seq: number,
  x: string | number | undefined,
): RoomInput {
  switch (kind) {
    case 'join':
      return { kind, playerId, seq };
    case 'leave':
      return typeof x === 'string' ? { kind, playerId, seq, reason: x } : { kind, playerId, seq };
    case 'mute':
      return { kind, playerId, seq, untilMs: Number(x ?? 0) };
    default:
      return {
        kind: 'command',
        playerId,
        seq,
        command: decodeRoomCommand(Buffer.from(String(x ?? ''), 'base64')),
      };
  }
}
