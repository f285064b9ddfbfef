/**
 * @module The session layer of rules rooms, beside the zones' (`GameSessions` owns the
 * connections, their flood limits, heartbeats and handshake timeout, and hands room messages
 * here): a room join with a join token (by room id, private code or game type, the last through
 * matchmaking), the room's commands, and the delivery of each tick's acks, rejections and delta
 * frames. A dropped player keeps its seat for the resume grace; joining again with a new token
 * resumes it.
 */
import { randomBytes } from 'node:crypto';
import { silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import {
  decodeRoomCommand,
  encodeMessage,
  GameCloseCode as CloseCode,
  MessageType,
  type RoomCommandMessage,
  type LeaveMessage,
  type RoomJoinMessage,
  type ServerMessage,
} from '@tickline/protocol';
import type { JoinTokens } from '../coordinator/join-token.ts';
import type { RoomStepResult } from '../rules/index.ts';
import { RejectReason } from '../zone/errors.ts';
import {
  EMPTY_FRAME,
  roomFrameMessage,
  roomFrameMessages,
  SPLIT_FRAME_BYTES,
} from './room-frame-messages.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { RoomRunner } from './room-runner.ts';
import { SharedMessage } from '../session/connection.ts';
import type { Link, RoomSession } from '../session/session-state.ts';

export type { RoomSession } from '../session/session-state.ts';

/** The zone claim of a join token for rules rooms (`POST /game/rooms/join` issues them). */
export const ROOM_TOKEN_SCOPE = 'rooms';

/** What the room side needs of the connection owner. */
export interface RoomLinkOps {
  send(link: Link, message: ServerMessage): void;
  /**
   * Sends one encoded message shared with other links (framed once per framing), then `after` if
   * given, in one socket write. @default encodes per link
   */
  sendShared?(link: Link, message: SharedMessage, after?: ServerMessage): void;
  close(link: Link, code: string, message: string): void;
}

export interface RoomSessionsOptions {
  tokens: JoinTokens;
  registry: RoomRegistry;
  resumeGraceMs: number;
  clock?: Clock;
  logger?: Logger;
}

export class RoomSessions {
  readonly #tokens: JoinTokens;
  readonly #registry: RoomRegistry;
  readonly #graceMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #byPlayer = new Map<string, RoomSession>();
  readonly #byRoom = new Map<RoomRunner, Set<RoomSession>>();
  readonly #detach = new Map<RoomRunner, () => void>();
  #ops: RoomLinkOps | undefined;

  constructor(options: RoomSessionsOptions) {
    this.#tokens = options.tokens;
    this.#registry = options.registry;
    this.#graceMs = options.resumeGraceMs;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    for (const runner of this.#registry.list()) this.#serve(runner);
    this.#registry.observe(
      (runner) => this.#serve(runner),
      (runner) => this.#unserve(runner),
    );
  }

  /** The connection owner's send and close (set once by `GameSessions.attachRooms`). */
  bind(ops: RoomLinkOps): void {
    this.#ops = ops;
  }

  get registry(): RoomRegistry {
    return this.#registry;
  }

  /** The room and seat of a player, if any (tests, admin). */
  sessionOf(
    playerId: string,
  ): { roomId: string | undefined; joined: boolean; connected: boolean } | undefined {
    const s = this.#byPlayer.get(playerId);
    return s && { roomId: s.runner?.roomId, joined: s.joined, connected: s.link !== undefined };
  }

  /** The sessions seated in a room (moderation's inspection). */
  seatedIn(runner: RoomRunner): Array<{ playerId: string; joined: boolean; connected: boolean }> {
    return [...(this.#byRoom.get(runner) ?? [])].map((s) => ({
      playerId: s.playerId,
      joined: s.joined,
      connected: s.link !== undefined,
    }));
  }

  /**
   * Removes a player from its room: its seat is given up (a leave with `reason`), its connection
   * told why and closed with `code`. Returns the room it left, or undefined when it had none here.
   */
  remove(playerId: string, code: string, reason: string, roomId?: string): string | undefined {
    const session = this.#byPlayer.get(playerId);
    const runner = session?.runner;
    if (!session || (roomId !== undefined && runner?.roomId !== roomId)) return undefined;
    const link = session.link;
    this.#end(session, code === CloseCode.Banned ? 'banned' : 'kicked');
    if (link) {
      this.#ops!.send(link, { type: MessageType.Notice, level: 'warn', text: reason });
      this.#ops!.close(link, code, reason);
    }
    return runner?.roomId;
  }

  /** A notice to a player of `roomId`; false when it is not connected there. */
  tell(playerId: string, roomId: string, level: 'info' | 'warn', text: string): boolean {
    const session = this.#byPlayer.get(playerId);
    if (!session?.link || session.runner?.roomId !== roomId) return false;
    this.#ops!.send(session.link, { type: MessageType.Notice, level, text });
    return true;
  }

  /** The tick of the room a link plays in (heartbeats carry it). */
  tickOf(link: Link): number {
    return link.room?.runner?.tick ?? 0;
  }

  /** A connection's first message asked for a room. */
  join(link: Link, message: RoomJoinMessage): void {
    const ops = this.#ops!;
    const verified = this.#tokens.verify(message.token, ROOM_TOKEN_SCOPE);
    if (!verified.ok) return ops.close(link, verified.code, verified.message);
    const playerId = verified.claims.sub;
    const banned = this.#registry.bannedUntil(playerId);
    if (banned !== undefined)
      return ops.close(link, CloseCode.Banned, `banned from rooms until ${new Date(banned).toISOString()}`);
    const existing = this.#byPlayer.get(playerId);
    if (existing && this.#sameRoom(existing, message)) return this.#resume(link, existing);
    if (existing) {
      const old = existing.link;
      this.#end(existing, 'moved');
      if (old && old !== link) ops.close(old, CloseCode.SessionReplaced, 'the player joined another room');
    }
    let runner: RoomRunner | undefined;
    if (message.room !== undefined || message.code !== undefined) {
      runner =
        message.room !== undefined ? this.#registry.get(message.room) : this.#registry.byCode(message.code!);
      // A private room answers only to its code: its id alone does not let anyone in.
      if (!runner || (runner.code !== undefined && runner.code !== message.code?.toUpperCase()))
        return ops.close(link, CloseCode.RoomUnknown, 'no such room here, or the wrong code');
    } else if (message.game === undefined)
      return ops.close(link, CloseCode.RoomUnknown, 'name a room, a private code or a game');
    else if (!this.#registry.game(message.game))
      return ops.close(link, CloseCode.RoomUnknown, `no game ${message.game.slice(0, 64)} is loaded here`);
    const session: RoomSession = {
      sessionId: randomBytes(16).toString('base64url'),
      playerId,
      runner: undefined,
      link,
      droppedAt: undefined,
      joined: false,
      leaving: false,
      unqueue: undefined,
    };
    this.#byPlayer.set(playerId, session);
    link.room = session;
    if (runner) {
      if (runner.freeSeats <= 0) {
        this.#forget(session);
        return this.#refuse(link, runner.tick, RejectReason.ZoneFull, `room ${runner.roomId} is full`);
      }
      runner.reserved++;
      return this.#seat(session, runner);
    }
    try {
      session.unqueue = this.#registry.matchmake(message.game!, {
        playerId,
        seat: (r) => this.#seat(session, r),
      });
    } catch (error) {
      this.#forget(session);
      const e = error as { code?: string; message?: string };
      this.#logger.debug({ playerId, game: message.game, code: e.code }, 'room matchmaking refused');
      ops.close(link, e.code ?? RejectReason.RoomLimit, e.message ?? 'no room can be made');
    }
  }

  /** A message on a link that plays in a room (ping and heartbeat acks are the owner's). */
  message(link: Link, message: RoomCommandMessage | LeaveMessage): void {
    const session = link.room!;
    const runner = session.runner;
    if (message.type === MessageType.Leave) {
      if (!runner || !session.joined) {
        this.#end(session, undefined);
        return this.#ops!.close(link, CloseCode.Ended, 'left before the room took the player');
      }
      session.leaving = true;
      return runner.submit({ kind: 'leave', playerId: session.playerId, seq: message.seq, reason: 'left' });
    }
    if (!runner || !session.joined)
      return this.#ops!.send(link, {
        type: MessageType.RoomReject,
        seq: message.seq,
        tick: runner?.tick ?? 0,
        reason: RejectReason.NotJoined,
        message: 'the room has not taken the player yet',
      });
    // Not MessagePack at all reaches the room as undefined: its strict decoder refuses it with the seq.
    const command = decodeRoomCommand(message.command);
    runner.submit(
      { kind: 'command', playerId: session.playerId, seq: message.seq, command },
      message.command,
    );
  }

  /** The link closed: a queued player leaves the queue, a seated one keeps its seat for the grace. */
  dropped(link: Link): void {
    const session = link.room;
    link.room = undefined;
    if (!session || session.link !== link) return;
    session.link = undefined;
    if (session.runner) session.runner.journal.link(session.runner.tick + 1, 'drop', session.playerId);
    if (!session.runner || session.leaving || this.#graceMs === 0) return this.#end(session, 'disconnected');
    session.droppedAt = this.#clock.monotonic();
  }

  /** Ends grace periods that ran out, then lets the registry dispose of empty rooms. */
  sweep(): void {
    const now = this.#clock.monotonic();
    for (const session of [...this.#byPlayer.values()])
      if (session.droppedAt !== undefined && now - session.droppedAt >= this.#graceMs)
        this.#end(session, 'disconnected');
    this.#registry.sweep();
  }

  #sameRoom(session: RoomSession, message: RoomJoinMessage): boolean {
    const runner = session.runner;
    if (!runner) return false;
    if (message.room !== undefined) return message.room === runner.roomId;
    if (message.code !== undefined) return message.code.toUpperCase() === runner.code;
    return message.game === runner.game.name;
  }

  #resume(link: Link, session: RoomSession): void {
    const previous = session.link;
    if (previous && previous !== link) {
      previous.room = undefined;
      this.#ops!.close(previous, CloseCode.SessionReplaced, 'the player connected again');
    }
    session.link = link;
    session.droppedAt = undefined;
    link.room = session;
    if (session.joined) this.#welcome(session, true);
  }

  #seat(session: RoomSession, runner: RoomRunner): void {
    session.runner = runner;
    session.unqueue = undefined;
    this.#byRoom.get(runner)?.add(session);
    runner.submit({ kind: 'join', playerId: session.playerId, seq: 0 });
  }

  #welcome(session: RoomSession, resumed: boolean): void {
    const runner = session.runner!;
    const link = session.link!;
    const ops = this.#ops!;
    ops.send(link, {
      type: MessageType.RoomWelcome,
      playerId: session.playerId,
      roomId: runner.roomId,
      game: runner.game.name,
      gameVersion: runner.game.version,
      sessionId: session.sessionId,
      tick: runner.tick,
      tickRateHz: 1000 / runner.periodMs,
      lastSeq: runner.room.lastSeqOf(session.playerId) ?? 0,
      resumed,
    });
    ops.send(link, {
      type: MessageType.RoomFrame,
      tick: runner.tick,
      ack: -1,
      frame: runner.fullFrame(session.playerId),
    });
  }

  #serve(runner: RoomRunner): void {
    const seated = new Set<RoomSession>();
    this.#byRoom.set(runner, seated);
    this.#detach.set(
      runner,
      runner.onTick((result) => this.#deliver(runner, result)),
    );
    // A room recovered here (failover, hand-off) comes with its players and no links: each keeps
    // its seat for the resume grace, as if its link had just dropped, and resumes by joining again.
    const now = this.#clock.monotonic();
    for (const playerId of runner.players) {
      if (this.#byPlayer.has(playerId)) continue;
      const session: RoomSession = {
        sessionId: randomBytes(16).toString('base64url'),
        playerId,
        runner,
        link: undefined,
        droppedAt: now,
        joined: true,
        leaving: false,
        unqueue: undefined,
      };
      this.#byPlayer.set(playerId, session);
      seated.add(session);
      // Its link died with the former process: a replay sends it nothing until its resume.
      runner.journal.link(runner.tick + 1, 'drop', playerId);
    }
  }

  /**
   * The room leaves this process with its players (handed off, or taken over by a peer): their
   * links are told and closed with GAME_ZONE_MOVED, and no leave is submitted — they keep their
   * seats in the room where it goes next and resume there with a new ticket.
   */
  moveOut(runner: RoomRunner, message: string): number {
    let told = 0;
    for (const session of [...(this.#byRoom.get(runner) ?? [])]) {
      const link = session.link;
      this.#forget(session);
      if (!link) continue;
      told++;
      this.#ops?.send(link, { type: MessageType.Notice, level: 'warn', text: message });
      this.#ops?.close(link, CloseCode.ZoneMoved, message);
    }
    return told;
  }

  /**
   * The players queued here by matchmaking (no room yet) are told and closed with GAME_ZONE_MOVED:
   * this process is going (a drained stop). The queue is in this process only, so a queued player
   * joins again by game through a gateway (the SDK's `RoomClient` does, given `requeue`), which
   * places it where the game's players wait. Returns how many were told.
   */
  moveQueuedOut(message: string): number {
    let told = 0;
    for (const session of [...this.#byPlayer.values()]) {
      if (session.runner || !session.unqueue) continue;
      const link = session.link;
      this.#forget(session);
      if (!link) continue;
      told++;
      this.#ops?.close(link, CloseCode.ZoneMoved, message);
    }
    return told;
  }

  #unserve(runner: RoomRunner): void {
    this.#detach.get(runner)?.();
    this.#detach.delete(runner);
    for (const session of this.#byRoom.get(runner) ?? []) {
      if (session.link) this.#ops?.close(session.link, RejectReason.RoomClosed, 'the room was disposed of');
      this.#forget(session);
    }
    this.#byRoom.delete(runner);
  }

  /** One tick's answers and frames to the room's players. */
  #deliver(runner: RoomRunner, result: RoomStepResult): void {
    // Most ticks of a turn-based room answer nothing and change nothing: nobody hears of them.
    if (
      result.acks.length === 0 &&
      result.rejections.length === 0 &&
      result.frame === undefined &&
      !result.viewFrames?.size &&
      result.closed === undefined
    )
      return;
    const ops = this.#ops!;
    const sessions = this.#byRoom.get(runner);
    if (!sessions) return;
    const fresh = new Set<RoomSession>();
    const acked = new Map<string, number>();
    for (const ack of result.acks) {
      const session = this.#byPlayer.get(ack.playerId);
      if (!session || session.runner !== runner) continue;
      if (!session.joined && ack.seq === 0 && !session.leaving) {
        session.joined = true;
        runner.reserved--;
        fresh.add(session);
      } else if (session.leaving) {
        const link = session.link;
        this.#forget(session);
        if (link) ops.close(link, CloseCode.Ended, 'left the room');
      } else acked.set(ack.playerId, Math.max(ack.seq, acked.get(ack.playerId) ?? -1));
    }
    for (const r of result.rejections) {
      const session = this.#byPlayer.get(r.playerId);
      if (!session || session.runner !== runner) continue;
      if (!session.joined) {
        runner.reserved--;
        const link = session.link;
        this.#forget(session);
        if (link) this.#refuse(link, result.tick, r.reason, r.message ?? 'the room refused the join');
        continue;
      }
      acked.set(r.playerId, Math.max(r.seq, acked.get(r.playerId) ?? -1));
      if (session.link)
        ops.send(session.link, {
          type: MessageType.RoomReject,
          seq: r.seq,
          tick: result.tick,
          reason: r.reason,
          message: r.message ?? '',
        });
    }
    for (const session of fresh) if (session.link) this.#welcome(session, false);
    // Players sent the same frame bytes without an ack get the same message: encoded and framed
    // once, not once each (a crowd that sees the whole room shares one frame a tick); a large
    // frame's ack follows it on its own (room-frame-messages.ts).
    let sharedFrame: Uint8Array | undefined;
    let shared: SharedMessage | undefined;
    for (const session of sessions) {
      if (!session.joined || !session.link || fresh.has(session)) continue;
      const frame = result.viewFrames ? result.viewFrames.get(session.playerId) : result.frame;
      const ack = acked.get(session.playerId) ?? -1;
      if (frame === undefined && ack < 0) continue;
      // The frame everyone without an ack gets (room-frame-messages.ts says when an ack rides
      // apart): encoded and framed once a tick, then sent to each player with its ack behind it in
      // one socket write (session/shared-send.ts decides how); the general path below makes an array and
      // messages per player.
      const alone = ack < 0 || (frame !== undefined && frame.length >= SPLIT_FRAME_BYTES);
      if (frame !== undefined && alone && ops.sendShared) {
        if (sharedFrame !== frame)
          [sharedFrame, shared] = [
            frame,
            new SharedMessage(encodeMessage(roomFrameMessage(result.tick, -1, frame))),
          ];
        ops.sendShared(
          session.link,
          shared!,
          ack < 0 ? undefined : roomFrameMessage(result.tick, ack, EMPTY_FRAME),
        );
        continue;
      }
      const messages = roomFrameMessages(result.tick, ack, frame);
      // Two messages: corked, one socket write as one message would be.
      const connection = messages.length > 1 ? session.link.connection : undefined;
      connection?.cork?.();
      for (const message of messages) ops.send(session.link, message);
      connection?.uncork?.();
    }
    if (result.closed) {
      for (const session of [...sessions]) {
        const link = session.link;
        this.#forget(session);
        if (!link) continue;
        ops.send(link, { type: MessageType.Notice, level: 'warn', text: result.closed.message });
        ops.close(link, result.closed.code, result.closed.message);
      }
    }
  }

  #refuse(link: Link, tick: number, reason: string, message: string): void {
    this.#ops!.send(link, { type: MessageType.RoomReject, seq: 0, tick, reason, message });
    this.#ops!.close(link, CloseCode.RoomRefused, `${reason}: ${message}`.slice(0, 200));
  }

  /** Leaves the room (unless never seated) and forgets the session. */
  #end(session: RoomSession, reason: string | undefined): void {
    session.unqueue?.();
    const runner = session.runner;
    if (reason !== undefined && runner && !session.leaving) {
      const seq = runner.room.lastSeqOf(session.playerId) ?? 0;
      runner.submit({ kind: 'leave', playerId: session.playerId, seq, reason });
    }
    if (session.link) {
      session.link.room = undefined;
      session.link = undefined;
    }
    this.#forget(session);
  }

  #forget(session: RoomSession): void {
    session.unqueue?.();
    session.unqueue = undefined;
    session.droppedAt = undefined;
    if (session.runner) this.#byRoom.get(session.runner)?.delete(session);
    if (this.#byPlayer.get(session.playerId) === session) this.#byPlayer.delete(session.playerId);
    if (session.link?.room === session) session.link.room = undefined;
  }
}
