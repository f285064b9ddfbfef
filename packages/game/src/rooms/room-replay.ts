/**
 * @module Replay of a rules room from its journal on the log, as one player saw it: the room is
 * stepped again from its opening with the same seed, tick times, inputs (the command bytes the
 * clients sent) and full frames, and what the session layer sent that player — its frames with
 * their acks, and its rejections — is produced again, each as the exact wire message. For
 * disputes and cheat reports. The room's code is the game's, so a replay runs where the game is
 * loaded (a game process).
 */
import { TicklineError } from '@tickline/kernel';
import type { EventLog } from '@tickline/eventlog';
import {
  encodeMessage,
  MessageType,
  type RoomFrameMessage,
  type RoomRejectMessage,
} from '@tickline/protocol';
import { RulesRoom, type AnyGameRules, type RoomStepResult } from '../rules/index.ts';
import { RejectReason } from '../zone/errors.ts';
import { roomFrameMessages } from './room-frame-messages.ts';
import { inputOf, readRoomJournal, REPLAY_MAX_SCAN_RECORDS } from './room-journal-reader.ts';

export { REPLAY_MAX_SCAN_RECORDS } from './room-journal-reader.ts';
/** Ticks one replay steps at most (an hour at 30 Hz). */
export const REPLAY_MAX_TICKS = 108_000;

export interface ReplayRoomOptions {
  /** The log the room's journal went to (its partition on a partitioned game log). */
  log: Pick<EventLog, 'read' | 'head'>;
  games: ReadonlyMap<string, AnyGameRules>;
  roomId: string;
  playerId: string;
  /** First tick of the window. @default 0 */
  fromTick?: number;
  /** Last tick of the window. @default the last tick on the log */
  toTick?: number;
  /** @default REPLAY_MAX_SCAN_RECORDS */
  maxScanRecords?: number;
  /** @default REPLAY_MAX_TICKS */
  maxTicks?: number;
}

/** One message the player was sent, as the server sent it. */
export interface ReplayedMessage {
  kind: 'frame' | 'reject';
  tick: number;
  /** Frames: the highest seq the room answered for the player this tick (-1: none). */
  ack?: number;
  /** Rejections: the seq, reason and message. */
  seq?: number;
  reason?: string;
  message?: string;
  /** A frame's delta bytes (base64; empty when only the ack changed). */
  frame?: string;
  /** The whole wire message (base64), byte for byte what the connection carried. */
  bytes: string;
}

export interface RoomReplay {
  roomId: string;
  game: string;
  gameVersion: number;
  playerId: string;
  fromTick: number;
  toTick: number;
  /** The last tick the log holds for the room (a live room's latest second may not be there yet). */
  loggedThroughTick: number;
  messages: ReplayedMessage[];
}

const replayError = (code: string, message: string, details: Record<string, unknown>) =>
  new TicklineError(code, message, { details });

/** Per-player session state, the way `RoomSessions` keeps it, for the one player replayed. */
interface Viewer {
  /** In the room as far as the session knows (its join acked). */
  joined: boolean;
  /** Has a link: frames reach it. */
  connected: boolean;
  /** A session exists (from its join input to its leave). */
  present: boolean;
}

/** Rebuilds the window of the room and the player's messages in it. */
export async function replayRoom(options: ReplayRoomOptions): Promise<RoomReplay> {
  const { roomId, playerId } = options;
  const journal = await readRoomJournal(options.log, roomId, { maxScanRecords: options.maxScanRecords ?? REPLAY_MAX_SCAN_RECORDS });
  // Read down to the opening (no sinceTick), so it is there.
  const opened = journal.opened!;
  const game = options.games.get(opened.game);
  if (!game) throw replayError(RejectReason.UnknownGame, `no game ${opened.game} is loaded here to replay`, { game: opened.game });
  if (game.version !== opened.gameVersion)
    throw replayError('GAME_RULES_VERSION', `room ${roomId} ran ${opened.game} v${opened.gameVersion}; v${game.version} is loaded`, {
      game: opened.game,
      gameVersion: opened.gameVersion,
    });
  const { times, entries, folds, loggedThroughTick } = journal;
  const fromTick = Math.max(0, options.fromTick ?? 0);
  const toTick = Math.min(options.toTick ?? loggedThroughTick, loggedThroughTick);
  const maxTicks = options.maxTicks ?? REPLAY_MAX_TICKS;
  if (toTick > maxTicks)
    throw replayError(RejectReason.ReplayTooLarge, `a replay steps at most ${maxTicks} ticks; the window ends at tick ${toTick}`, {
      maxTicks,
      toTick,
    });

  let now = opened.nowMs;
  const room = new RulesRoom({
    game,
    roomId,
    seed: opened.seed,
    tickRateHz: opened.tickRateHz,
    clock: { now: () => now, monotonic: () => 0 },
    // Live, a handler over its wall budget failed; a replay cannot re-measure it, so none fails that way.
    timer: () => 0,
  });
  const viewer: Viewer = { joined: false, connected: false, present: false };
  const messages: ReplayedMessage[] = [];
  const keep = (tick: number) => tick >= fromTick && tick <= toTick;
  for (let tick = 1; tick <= toTick; tick++) {
    for (const entry of entries.get(tick) ?? []) {
      const [, kind, who, seq, x] = entry;
      if (kind === 'view') {
        const frame = room.fullFrame(who);
        if (who !== playerId) continue;
        viewer.connected = true;
        if (keep(room.tick)) messages.push(frameMessage(room.tick, -1, frame));
        continue;
      }
      if (kind === 'drop') {
        if (who === playerId) viewer.connected = false;
        continue;
      }
      const input = inputOf(kind, who, seq, x);
      room.enqueue(input);
      if (who !== playerId) continue;
      if (kind === 'join') Object.assign(viewer, { joined: false, connected: true, present: true });
      // Any leave (the player's, a kick, a lapsed grace) ends its session before the step answers it.
      if (kind === 'leave') Object.assign(viewer, { joined: false, connected: false, present: false });
    }
    now = times.get(tick)!;
    // A step the live loop took over several ticks (it ran late) is taken over as many again.
    const result = room.step(folds.get(tick) ?? 1);
    tick = result.tick;
    const sent = deliver(result, playerId, viewer);
    if (keep(tick)) messages.push(...sent);
  }
  return {
    roomId,
    game: opened.game,
    gameVersion: opened.gameVersion,
    playerId,
    fromTick,
    toTick,
    loggedThroughTick,
    messages,
  };
}

/** What `RoomSessions` sends the one player for a step (its #deliver, for one session). */
function deliver(result: RoomStepResult, playerId: string, viewer: Viewer): ReplayedMessage[] {
  if (!viewer.present) return [];
  const out: ReplayedMessage[] = [];
  let fresh = false;
  let ack = -1;
  for (const a of result.acks) {
    if (a.playerId !== playerId) continue;
    if (!viewer.joined && a.seq === 0) {
      viewer.joined = true;
      fresh = true;
    } else ack = Math.max(ack, a.seq);
  }
  for (const r of result.rejections) {
    if (r.playerId !== playerId) continue;
    if (!viewer.joined) {
      viewer.present = false;
      if (viewer.connected) out.push(rejectMessage(result.tick, 0, r.reason, r.message ?? 'the room refused the join'));
      return out;
    }
    ack = Math.max(ack, r.seq);
    if (viewer.connected) out.push(rejectMessage(result.tick, r.seq, r.reason, r.message ?? ''));
  }
  if (fresh || !viewer.joined || !viewer.connected) return out;
  const frame = result.viewFrames ? result.viewFrames.get(playerId) : result.frame;
  for (const m of roomFrameMessages(result.tick, ack, frame)) out.push(frameMessage(m.tick, m.ack, m.frame));
  if (result.closed) viewer.present = false;
  return out;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function frameMessage(tick: number, ack: number, frame: Uint8Array): ReplayedMessage {
  const message: RoomFrameMessage = { type: MessageType.RoomFrame, tick, ack, frame };
  return { kind: 'frame', tick, ack, frame: base64(frame), bytes: base64(encodeMessage(message)) };
}

function rejectMessage(tick: number, seq: number, reason: string, text: string): ReplayedMessage {
  const message: RoomRejectMessage = { type: MessageType.RoomReject, seq, tick, reason, message: text };
  return { kind: 'reject', tick, seq, reason, message: text, bytes: base64(encodeMessage(message)) };
}
