/**
 * @module The session layer between transports and zones: the hello handshake with a join token,
 * resume within a grace period, per-connection flood and slow-consumer limits, heartbeats, and the
 * delivery of each tick's acks, rejections and interest deltas. Protocol errors close only the
 * offending connection; nothing here blocks or throws into a tick.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@tickline/kernel';
import type { ZoneRunner } from '../loop/zone-runner.ts';
import type { DrainOptions } from '../loop/zone-host.ts';
import {
  decodeMessage,
  encodeMessage,
  GameCloseCode as CloseCode,
  isGameProtocolError,
  MessageType,
  readMoveInto,
  readRoomCommand,
  type HelloMessage,
  type MoveFields,
  type ServerMessage,
} from '@tickline/protocol';
import {
  encodeClose,
  frame,
  type ConnectionAcceptor,
  type ConnectionHandler,
  type GameConnection,
} from './connection.ts';
import { AddressCounts, admissionRefusal } from './admission.ts';
import { FloodGuard } from './flood-guard.ts';
import {
  resolveSessionOptions,
  sweepIntervalMs,
  type GameSessionsOptions,
  type ResolvedSessionOptions,
} from './session-options.ts';
import {
  createSessionMetrics,
  TransportCounters,
  type GameSessionsStats,
  type SessionMetrics,
} from './session-metrics.ts';
import type { Link, Session } from './session-state.ts';
import { SweepHeartbeats } from './heartbeats.ts';
import { spawnPoint } from './spawn-point.ts';
import { sendShared } from './shared-send.ts';
import { sendWelcome, ZoneDelivery } from './tick-delivery.ts';
import { routeRoomMessage, routeSessionMessage, type MessageRoutes } from './message-routing.ts';
import type { RoomSessions } from '../rooms/room-sessions.ts';

export class GameSessions implements ConnectionAcceptor {
  readonly #o: ResolvedSessionOptions;
  readonly #logger: Logger;
  readonly #metrics: SessionMetrics;
  readonly #counters: TransportCounters;
  readonly #zones = new Map<string, ZoneRunner>();
  readonly #draining = new Set<string>();
  /** Each zone's tick delivery, removed when the zone leaves. */
  readonly #zoneDetach = new Map<string, () => void>();
  readonly #links = new Set<Link>();
  readonly #addresses: AddressCounts;
  readonly #bySession = new Map<string, Session>();
  readonly #byPlayer = new Map<string, Session>();
  readonly #detach: Array<() => void> = [];
  #cancelSweep: (() => void) | undefined;
  #rooms: RoomSessions | undefined;
  readonly #move: MoveFields = { seq: 0, tick: 0, x: 0, y: 0 };
  #nonce = 0;
  #closing = false;
  #lastHeartbeat = -Infinity;

  constructor(options: GameSessionsOptions) {
    this.#o = resolveSessionOptions(options);
    this.#logger = this.#o.logger;
    this.#metrics = createSessionMetrics(this.#o.metrics);
    this.#counters = new TransportCounters(this.#metrics);
    this.#addresses = new AddressCounts((n) => this.#metrics.addresses.set(n));
    this.#scheduleSweep();
  }

  get maxMessageBytes(): number {
    return this.#o.maxMessageBytes;
  }

  /** Serves `runner`'s players: delivers its ticks, takes its notices and drains. */
  addZone(runner: ZoneRunner): void {
    this.#zoneDetach.get(runner.zoneId)?.();
    this.#zones.set(runner.zoneId, runner);
    const delivery = new ZoneDelivery(this.#delivery, runner);
    const detach = runner.onTick((info) => {
      delivery.deliver(info);
      this.#counters.flush();
    });
    this.#detach.push(detach);
    this.#zoneDetach.set(runner.zoneId, detach);
    runner.attachClients({
      notice: (level, text) => this.notice(runner.zoneId, level, text),
      drain: (options) => this.drain(runner.zoneId, options),
      replaced: () => this.#reconcile(runner),
    });
    this.#reconcile(runner);
  }

  /**
   * After a recovery or restore: players in the zone without a session get one in its grace period
   * (they may join again with a token and keep their place; otherwise they leave when it ends), and
   * sessions whose player is not in the restored zone join it again.
   */
  #reconcile(runner: ZoneRunner): void {
    const zone = runner.zone;
    const now = this.#o.clock.monotonic();
    for (const playerId of zone.players.ids) {
      if (playerId === undefined || this.#byPlayer.has(playerId)) continue;
      // No token was seen for it yet: not judged until the player presents one (and no client
      // knows this session id, so it cannot be resumed without one).
      const session = this.#newSession(playerId, runner, Number.MAX_SAFE_INTEGER);
      session.joined = true;
      session.droppedAt = now;
    }
    for (const session of this.#byPlayer.values()) {
      if (session.runner !== runner || !session.joined) continue;
      if (zone.player(session.playerId)) {
        // Handles belong to the zone that was replaced: connected clients start their view over.
        if (session.link) sendWelcome(this.#delivery, session, true);
        continue;
      }
      session.joined = false;
      this.#join(runner, session.playerId);
    }
  }

  #join(runner: ZoneRunner, playerId: string): void {
    const at = spawnPoint(runner.zone, playerId, this.#o.spawn);
    runner.submit({ kind: 'join', playerId, seq: 0, ...at });
  }

  #newSession(playerId: string, runner: ZoneRunner, sessionVersion: number): Session {
    const session: Session = {
      sessionId: randomBytes(16).toString('base64url'),
      playerId,
      runner,
      sessionVersion,
      link: undefined,
      droppedAt: undefined,
      joined: false,
      leaveSeq: undefined,
      ended: false,
    };
    this.#bySession.set(session.sessionId, session);
    this.#byPlayer.set(playerId, session);
    this.#metrics.sessions.set(this.#bySession.size);
    return session;
  }

  /** Serves rules rooms too: a connection whose first message is a room join plays there. */
  attachRooms(rooms: RoomSessions): void {
    this.#rooms = rooms;
    rooms.bind({
      send: (link, message) => this.#send(link, message),
      sendShared: (link, shared, after) =>
        sendShared(link, shared, after && encodeMessage(after), this.#sendEncoded),
      close: (link, code, message) => this.#close(link, code, message),
    });
  }

  /** Whether `zoneId` is draining (refusing players). */
  isDraining(zoneId: string): boolean {
    return this.#draining.has(zoneId);
  }

  open(connection: GameConnection): ConnectionHandler {
    const now = this.#o.clock.monotonic();
    const link: Link = {
      connection,
      flood: new FloodGuard(this.#o.maxMessagesPerSecond, this.#o.burstSeconds, now),
      openedAt: now,
      lastReceivedAt: now,
      session: undefined,
      closed: false,
    };
    this.#links.add(link);
    this.#metrics.connections(connection.transport).inc();
    const fromAddress = this.#addresses.add(connection.address);
    const refusal = this.#closing
      ? { limit: undefined, code: CloseCode.Shutdown, message: 'the game server is shutting down' }
      : admissionRefusal(this.#o, this.#links.size, fromAddress);
    if (refusal) {
      if (refusal.limit) this.#metrics.refused(refusal.limit);
      this.#close(link, refusal.code, refusal.message);
    }
    const pendingIn = this.#counters.messagesIn;
    const transport = connection.transport;
    return {
      onMessage: (bytes) => {
        pendingIn[transport]++;
        this.#onMessage(link, bytes);
      },
      onProtocolError: (code, message) => this.#close(link, code, message),
      onClose: () => this.#onClosed(link),
    };
  }

  /** Sends a notice to every connected player of `zoneId`. */
  notice(zoneId: string, level: 'info' | 'warn', text: string): void {
    for (const session of this.#byPlayer.values()) {
      if (session.runner.zoneId === zoneId && session.link)
        this.#send(session.link, { type: MessageType.Notice, level, text });
    }
  }

  /** Tells the zone's players, closes their connections, removes them from the zone and refuses new ones. */
  drain(zoneId: string, options: DrainOptions): void {
    this.#draining.add(zoneId);
    this.#evict(zoneId, options.code ?? CloseCode.Draining, options.message, (s) => this.#end(s, 'drained'));
  }

  /**
   * The zone left this process (handed off, or taken over after this process stalled): its players
   * are told and their connections closed with GAME_ZONE_MOVED, which the SDK follows to the zone's
   * new process. Their sessions are forgotten here without a leave — the players stay in the zone's
   * state and resume there. Returns how many were connected.
   */
  moveOut(zoneId: string, message: string): number {
    const told = this.#evict(zoneId, CloseCode.ZoneMoved, message, (s) => this.#forget(s));
    this.#zoneDetach.get(zoneId)?.();
    this.#zoneDetach.delete(zoneId);
    this.#zones.delete(zoneId);
    this.#draining.delete(zoneId);
    return told;
  }

  /** Tells each player of `zoneId` why and closes their connection; `dispose` ends or forgets the session. */
  #evict(zoneId: string, code: string, message: string, dispose: (session: Session) => void): number {
    let told = 0;
    for (const session of [...this.#byPlayer.values()]) {
      if (session.runner.zoneId !== zoneId) continue;
      const link = session.link;
      if (link) {
        told++;
        this.#send(link, { type: MessageType.Notice, level: 'warn', text: message });
        this.#close(link, code, message);
      }
      dispose(session);
    }
    return told;
  }

  /** Lets a drained zone take players again. */
  undrain(zoneId: string): void {
    this.#draining.delete(zoneId);
  }

  stats(): GameSessionsStats {
    let dropped = 0;
    for (const s of this.#bySession.values()) if (!s.link) dropped++;
    return { connections: this.#links.size, sessions: this.#bySession.size, dropped };
  }

  /** The session of a player, if any (tests, admin). */
  sessionOf(playerId: string): { sessionId: string; zoneId: string; connected: boolean } | undefined {
    const s = this.#byPlayer.get(playerId);
    return s && { sessionId: s.sessionId, zoneId: s.runner.zoneId, connected: s.link !== undefined };
  }

  /** Every session here (connected or in its grace period) with the session version it joined under. */
  heldSessions(): Array<{ playerId: string; sessionVersion: number }> {
    return [...this.#bySession.values()].map((s) => ({
      playerId: s.playerId,
      sessionVersion: s.sessionVersion,
    }));
  }

  /**
   * Ends the player's session now, because its credential was revoked: the connection closes with
   * GAME_SESSION_REVOKED, the player leaves the zone, and the session id no longer resumes.
   */
  revoke(playerId: string): void {
    const session = this.#byPlayer.get(playerId);
    if (!session) return;
    const link = session.link;
    this.#end(session, 'revoked');
    if (link) this.#close(link, CloseCode.SessionRevoked, 'the credential was revoked; sign in again');
  }

  /** Closes every connection with `code` and stops the sweep; sessions stay for a restart's resume. */
  close(code: string = CloseCode.Shutdown, message = 'the game server is shutting down'): void {
    this.#closing = true;
    this.#cancelSweep?.();
    for (const detach of this.#detach.splice(0)) detach();
    for (const link of [...this.#links]) this.#close(link, code, message);
  }

  // What tick delivery needs, without exposing the maps.
  readonly #delivery = {
    sessionOf: (playerId: string) => this.#byPlayer.get(playerId),
    send: (link: Link, message: ServerMessage) => this.#send(link, message),
    sendEncoded: (link: Link, bytes: Uint8Array) => this.#sendEncoded(link, bytes),
    sendFramed: (link: Link, framed: Uint8Array) => this.#sendEncoded(link, framed, true),
    close: (link: Link, code: string, message: string) => this.#close(link, code, message),
    end: (session: Session) => this.#end(session, undefined),
  };

  #onMessage(link: Link, bytes: Uint8Array): void {
    if (link.closed) return;
    const now = this.#o.clock.monotonic();
    link.lastReceivedAt = now;
    if (!link.flood.take(now))
      return this.#close(link, CloseCode.Flood, `more than ${this.#o.maxMessagesPerSecond} messages/s`);
    const session = link.session;
    // Moves are nearly all the traffic: read without the strict decoder's objects when well-formed.
    const move = this.#move;
    if (session && readMoveInto(bytes, move))
      return session.runner.submit({
        kind: 'move',
        playerId: session.playerId,
        seq: move.seq,
        tick: move.tick,
        x: move.x,
        y: move.y,
      });
    // And a rules room's commands likewise (within the size cap, as the strict decoder's).
    const command =
      !session && link.room && bytes.length <= this.#o.maxMessageBytes && readRoomCommand(bytes);
    if (command) return this.#rooms!.message(link, command);
    let message;
    try {
      message = decodeMessage(bytes, { maxBytes: this.#o.maxMessageBytes });
    } catch (error) {
      const e = isGameProtocolError(error) ? error : undefined;
      return this.#close(link, e?.code ?? 'GAME_PROTOCOL_MALFORMED', e?.message ?? 'unreadable message');
    }
    if (!session) {
      if (link.room) return routeRoomMessage(this.#routes, link, message);
      if (message.type === MessageType.RoomJoin && this.#rooms) return this.#rooms.join(link, message);
      if (message.type !== MessageType.Hello)
        return this.#close(link, CloseCode.HandshakeRequired, 'the first message must be hello');
      return this.#hello(link, message);
    }
    return routeSessionMessage(this.#routes, link, session, message);
  }

  // What message routing needs, without exposing the maps.
  readonly #routes: MessageRoutes = {
    send: (link, message) => this.#send(link, message),
    close: (link, code, message) => this.#close(link, code, message),
    now: () => this.#o.clock.now(),
    rooms: () => this.#rooms,
  };

  #hello(link: Link, hello: HelloMessage): void {
    if (hello.resumeSession !== undefined) {
      const existing = this.#bySession.get(hello.resumeSession);
      if (existing && existing.leaveSeq === undefined) return this.#attach(link, existing);
      if (!hello.token) return this.#close(link, CloseCode.SessionExpired, 'no such session; join again');
    }
    const verified = this.#o.tokens.verify(hello.token);
    if (!verified.ok) return this.#close(link, verified.code, verified.message);
    const { sub: playerId, zone: zoneId, sv = 0 } = verified.claims;
    const runner = this.#zones.get(zoneId);
    if (!runner) return this.#close(link, CloseCode.ZoneUnknown, `zone ${zoneId} is not served here`);
    if (this.#draining.has(zoneId))
      return this.#close(link, CloseCode.Draining, `zone ${zoneId} is draining`);
    const existing = this.#byPlayer.get(playerId);
    if (existing && existing.runner === runner && existing.leaveSeq === undefined) {
      existing.sessionVersion = sv;
      return this.#attach(link, existing);
    }
    if (existing) this.#end(existing, 'moved');
    const session = this.#newSession(playerId, runner, sv);
    session.link = link;
    link.session = session;
    this.#join(runner, playerId);
  }

  /** Moves a session onto `link` (resume, or the same player connecting again). */
  #attach(link: Link, session: Session): void {
    const previous = session.link;
    if (previous && previous !== link) {
      previous.session = undefined;
      this.#close(previous, CloseCode.SessionReplaced, 'the player connected again');
    }
    session.link = link;
    session.droppedAt = undefined;
    link.session = session;
    if (session.joined) sendWelcome(this.#delivery, session, true);
  }

  #send(link: Link, message: ServerMessage): void {
    if (link.closed) return;
    this.#sendEncoded(link, encodeMessage(message));
  }

  /**
   * Sends encoded bytes (`framed`: already behind the transport's header) and checks the backlog.
   * Unframed bytes go out framed here when the transport allows it: header and payload in one
   * buffer make one socket write, where the transport's own framing would write twice.
   */
  // A property, not a method: passed as it is to the shared send of every player, every tick.
  readonly #sendEncoded = (link: Link, bytes: Uint8Array, framed = false): void => {
    if (link.closed) return;
    const connection = link.connection;
    const framing = connection.framing;
    if (framed) connection.sendFramed!(bytes);
    else if (framing && connection.sendFramed) connection.sendFramed(frame(framing, bytes));
    else connection.send(bytes);
    this.#counters.bytesOut[connection.transport] += bytes.length;
    if (connection.bufferedBytes > this.#o.maxBufferedBytes)
      this.#close(link, CloseCode.SlowConsumer, `more than ${this.#o.maxBufferedBytes} bytes unsent`);
  };

  #close(link: Link, code: string, message: string): void {
    if (link.closed) return;
    link.closed = true;
    this.#metrics.closed(code);
    this.#logger.debug({ remote: link.connection.remote, code, message }, 'closing game connection');
    link.connection.close(code, message, encodeClose(code, message));
    this.#detachLink(link);
  }

  #onClosed(link: Link): void {
    link.closed = true;
    this.#detachLink(link);
  }

  /** Forgets a link; its session (if any) starts its grace period, or ends when it was leaving. */
  #detachLink(link: Link): void {
    if (!this.#links.delete(link)) return;
    this.#metrics.connections(link.connection.transport).dec();
    this.#addresses.remove(link.connection.address);
    if (link.room) this.#rooms?.dropped(link);
    const session = link.session;
    link.session = undefined;
    if (!session || session.link !== link) return;
    session.link = undefined;
    if (session.leaveSeq !== undefined) return this.#forget(session);
    session.droppedAt = this.#o.clock.monotonic();
    if (this.#o.resumeGraceMs === 0) this.#end(session, 'disconnected');
  }

  /** Removes the player from its zone (unless it already left) and forgets the session. */
  #end(session: Session, reason: string | undefined): void {
    if (reason !== undefined && session.leaveSeq === undefined) {
      const seq = session.runner.zone.player(session.playerId)?.lastSeq ?? 0;
      session.runner.submit({ kind: 'leave', playerId: session.playerId, seq, reason });
    }
    if (session.link) {
      const link = session.link;
      session.link = undefined;
      link.session = undefined;
    }
    this.#forget(session);
  }

  #forget(session: Session): void {
    session.ended = true;
    if (this.#bySession.get(session.sessionId) === session) this.#bySession.delete(session.sessionId);
    if (this.#byPlayer.get(session.playerId) === session) this.#byPlayer.delete(session.playerId);
    this.#metrics.sessions.set(this.#bySession.size);
  }

  #scheduleSweep(): void {
    this.#cancelSweep = this.#o.scheduler.schedule(() => {
      try {
        this.sweep();
      } finally {
        if (!this.#closing) this.#scheduleSweep();
      }
    }, sweepIntervalMs(this.#o));
  }

  /** Closes silent and handshake-less connections, sends heartbeats, ends expired grace periods. */
  sweep(): void {
    const o = this.#o;
    const now = o.clock.monotonic();
    const heartbeat = now - this.#lastHeartbeat >= o.heartbeatIntervalMs;
    if (heartbeat) this.#lastHeartbeat = now;
    const beats = new SweepHeartbeats(++this.#nonce, o.clock.now());
    for (const link of [...this.#links]) {
      if (!link.session && !link.room && now - link.openedAt >= o.handshakeTimeoutMs)
        this.#close(link, CloseCode.HandshakeTimeout, `no hello within ${o.handshakeTimeoutMs} ms`);
      else if (now - link.lastReceivedAt >= o.idleTimeoutMs)
        this.#close(link, CloseCode.Idle, `nothing received for ${o.idleTimeoutMs} ms`);
      // A client heard from within the period is alive and hears ticks: the heartbeat is for the
      // quiet ones, which answer it and so stay clear of the idle timeout.
      else if (heartbeat && link.session?.joined && now - link.lastReceivedAt >= o.heartbeatIntervalMs)
        this.#sendEncoded(link, beats.for(link.session.runner));
      else if (heartbeat && link.room?.joined && now - link.lastReceivedAt >= o.heartbeatIntervalMs)
        this.#sendEncoded(link, beats.for(link.room.runner!));
    }
    this.#rooms?.sweep();
    this.#counters.flush();
    for (const session of [...this.#bySession.values()]) {
      if (session.droppedAt !== undefined && now - session.droppedAt >= o.resumeGraceMs)
        this.#end(session, 'disconnected');
    }
  }
}
