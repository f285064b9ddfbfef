/**
 * @module The client of a rules room (a game written against the rules API): joins by room id,
 * private code or game type with a join token, sends the game's commands with increasing seq,
 * keeps the room's authoritative state from its delta frames, and — with a `predict` hook — shows
 * a predicted state: the authoritative one with the unanswered commands replayed on it, redone
 * (reconciled) whenever a frame or an answer arrives.
 *
 * @example
 * const room = new RoomClient({ url: ws, token, join: { game: 'connect-four' } });
 * room.on('change', (s) => render(s.room.board));
 * await room.connect();
 * room.send({ type: 'drop', column: 3 });
 */
import { Emitter, type Listener } from '../emitter.ts';
import { TicklineApiError } from '../errors.ts';
import { createWsConnector, type GameConnector, type GameSocket } from './connector.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeMessage,
  decodeRoomFrame,
  encodeMessage,
  encodeRoomCommand,
  GAME_FOLLOW_CLOSE_CODES,
  MessageType,
  RoomView,
  type ClientMessage,
  type RoomWelcomeMessage,
  type ServerMessage,
} from '@tickline/protocol';

type Values = Record<string, unknown>;

/** A room's state as the client holds it: the room's fields and each entity's, by id. */
export interface RoomStateView {
  readonly room: Values;
  readonly entities: ReadonlyMap<string, Values>;
}

/** A command of the room's game: its `type` and its payload fields. */
export type RoomCommand = { type: string } & Values;

/**
 * Applies a command the way the server's handler would, on a copy of the state (change it in
 * place). Used to show a command's effect before the server answers; the server's answer wins.
 */
export type RoomPredictor = (state: { room: Values; entities: Map<string, Values> }, command: RoomCommand, playerId: string) => void;

export interface RoomJoinTarget {
  /** A room id (from `POST /api/v1/game/rooms` or the room list). */
  room?: string;
  /** A private room's code. */
  code?: string;
  /** A game type: the server fills an open room of it, or matches players into a new one. */
  game?: string;
}

export interface RoomClientOptions {
  /** The game endpoint: `ws://…/game/ws`, or `tcp://host:port` with the TCP connector. */
  url: string;
  /** A join token of the `rooms` scope (`POST /api/v1/game/rooms/join`). */
  token: string;
  join: RoomJoinTarget;
  /** @default createWsConnector() */
  connector?: GameConnector;
  /** Prediction hook: without it, `state` is the authoritative state. */
  predict?: RoomPredictor;
  /**
   * A new ticket for the same game (`roomTicket(api, { game })`): with it, a player still queued
   * by matchmaking whose game process went away (the connection dropped with no answer, or was
   * closed with GAME_ZONE_MOVED, GAME_SERVER_SHUTDOWN or GAME_ZONE_UNKNOWN) joins the queue again
   * where the gateway places it, and `connect()` resolves once a room takes the player. The queue
   * itself lives in the game process: a player queued there is only known while connected.
   */
  requeue?: () => Promise<{ url: string; token: string }>;
  /** Re-queues one `connect()` may make. @default 5 */
  maxRequeues?: number;
}

/** The re-queues one `connect()` makes at most (a gateway that keeps placing on dead processes). */
export const DEFAULT_MAX_REQUEUES = 5;

export const RoomClientState = {
  Idle: 'idle',
  Connecting: 'connecting',
  /** Queued by matchmaking or on the way into the room. */
  Joining: 'joining',
  Connected: 'connected',
  Closed: 'closed',
} as const;
export type RoomClientState = (typeof RoomClientState)[keyof typeof RoomClientState];

export interface RoomClientEvents {
  welcome: RoomWelcomeMessage;
  /** The state shown changed (a frame, or a prediction). */
  change: RoomStateView;
  /** The room applied command `seq`. */
  ack: { seq: number; tick: number };
  /** The room refused command `seq` (0: the join) with the game's reason or a `GAME_*` code. */
  reject: { seq: number; tick: number; reason: string; message: string };
  notice: { level: 'info' | 'warn'; text: string };
  /** Still queued when the connection ended (`code`: the server's, or none): joining the queue again. */
  requeue: { attempt: number; code: string | undefined };
  error: TicklineApiError;
  /** The connection ended: the server's `GAME_*` code, or `CLIENT_GAME_CLOSED` for `close()`. */
  closed: { code: string; message: string };
}

interface Pending {
  seq: number;
  command: RoomCommand;
}

function copyValues(v: Values): Values {
  const out: Values = {};
  for (const k of Object.keys(v)) out[k] = Array.isArray(v[k]) ? (v[k] as unknown[]).slice() : v[k];
  return out;
}

/** One player's connection to a rules room. */
export class RoomClient {
  readonly #o: RoomClientOptions;
  readonly #events = new Emitter<RoomClientEvents>();
  readonly #view = new RoomView();
  #predicted: RoomStateView | undefined;
  #pending: Pending[] = [];
  #socket: GameSocket | undefined;
  #state: RoomClientState = RoomClientState.Idle;
  #welcome: RoomWelcomeMessage | undefined;
  #nextSeq = 1;
  #url: string;
  #token: string;
  #requeues = 0;
  /** `close()` was called: no re-queue after it. */
  #hungUp = false;
  #serverClose: { code: string; message: string } | undefined;
  #connecting: { resolve: (w: RoomWelcomeMessage) => void; reject: (e: TicklineApiError) => void } | undefined;

  constructor(options: RoomClientOptions) {
    this.#o = options;
    this.#url = options.url;
    this.#token = options.token;
  }

  on<K extends keyof RoomClientEvents>(name: K, listener: Listener<RoomClientEvents[K]>): () => void {
    return this.#events.on(name, listener);
  }

  get state(): RoomClientState {
    return this.#state;
  }
  get welcome(): RoomWelcomeMessage | undefined {
    return this.#welcome;
  }
  /** The room's state as the server last sent it. */
  get authoritative(): RoomStateView {
    return this.#view;
  }
  /** The state to show: the authoritative one, with unanswered commands predicted on it. */
  get view(): RoomStateView {
    return this.#predicted ?? this.#view;
  }
  /** The room's tick of the last frame. */
  get tick(): number {
    return this.#view.tick;
  }
  /** Commands sent and not yet answered. */
  get pending(): readonly Pending[] {
    return this.#pending;
  }

  /** Connects and joins; resolves with the welcome once the room took the player. */
  connect(): Promise<RoomWelcomeMessage> {
    if (this.#state !== RoomClientState.Idle) return Promise.reject(new TypeError(`connect() in state ${this.#state}`));
    this.#state = RoomClientState.Connecting;
    return new Promise((resolve, reject) => {
      this.#connecting = { resolve, reject };
      this.#open();
    });
  }

  #open(): void {
    const connector = this.#o.connector ?? createWsConnector();
    const socket: GameSocket = connector(this.#url, {
      opened: () => {
        this.#state = RoomClientState.Joining;
        const { room, code, game } = this.#o.join;
        this.#send({
          type: MessageType.RoomJoin,
          token: this.#token,
          ...(room !== undefined && { room }),
          ...(code !== undefined && { code }),
          ...(game !== undefined && { game }),
        });
      },
      message: (bytes) => this.#onMessage(bytes),
      // A socket given up for a re-queue reports nothing more.
      closed: ({ reason }) => socket === this.#socket && this.#onClosed(reason),
    });
    this.#socket = socket;
  }

  /** Sends one of the game's commands; returns its seq, or undefined when not in the room. */
  send(command: RoomCommand): number | undefined {
    if (this.#state !== RoomClientState.Connected) return undefined;
    const seq = this.#nextSeq++;
    this.#send({ type: MessageType.RoomCommand, seq, command: encodeRoomCommand(command) });
    if (this.#o.predict) {
      this.#pending.push({ seq, command });
      this.#reconcile();
    }
    return seq;
  }

  /** Leaves the room; the server closes the connection once the room let the player go. */
  leave(): void {
    if (this.#state !== RoomClientState.Connected) return this.close();
    this.#send({ type: MessageType.Leave, seq: this.#nextSeq++ });
  }

  /** Hangs up (the seat is kept for the server's resume grace). */
  close(): void {
    if (this.#state === RoomClientState.Closed) return;
    this.#hungUp = true;
    this.#serverClose ??= { code: 'CLIENT_GAME_CLOSED', message: 'closed by the client' };
    this.#socket?.close();
  }

  #send(message: ClientMessage): void {
    this.#socket?.send(encodeMessage(message));
  }

  #onMessage(bytes: Uint8Array): void {
    let message: ServerMessage;
    try {
      message = decodeMessage(bytes, { maxBytes: DEFAULT_MAX_MESSAGE_BYTES }) as ServerMessage;
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return this.#events.emit('error', new TicklineApiError(e.code ?? 'GAME_PROTOCOL_MALFORMED', e.message ?? ''));
    }
    switch (message.type) {
      case MessageType.RoomWelcome:
        this.#welcome = message;
        this.#nextSeq = Math.max(this.#nextSeq, message.lastSeq + 1);
        this.#state = RoomClientState.Connected;
        this.#events.emit('welcome', message);
        this.#connecting?.resolve(message);
        this.#connecting = undefined;
        return;
      case MessageType.RoomFrame:
        if (message.frame.length > 0) this.#view.apply(decodeRoomFrame(message.frame));
        if (message.ack >= 0) {
          this.#settle(message.ack);
          this.#events.emit('ack', { seq: message.ack, tick: message.tick });
        }
        this.#reconcile();
        return;
      case MessageType.RoomReject:
        this.#events.emit('reject', { seq: message.seq, tick: message.tick, reason: message.reason, message: message.message });
        if (message.seq > 0) {
          this.#settle(message.seq);
          this.#reconcile();
        }
        return;
      case MessageType.Heartbeat:
        return this.#send({ type: MessageType.HeartbeatAck, nonce: message.nonce });
      case MessageType.Notice:
        return this.#events.emit('notice', { level: message.level, text: message.text });
      case MessageType.Close:
        this.#serverClose = { code: message.code, message: message.message };
        return;
      case MessageType.Error:
        return this.#events.emit('error', new TicklineApiError(message.code, message.message));
      default:
        return;
    }
  }

  /** Drops the pending commands the server has answered (up to `seq`). */
  #settle(seq: number): void {
    while (this.#pending.length > 0 && this.#pending[0]!.seq <= seq) this.#pending.shift();
  }

  /** Recomputes the shown state: the authoritative one plus the unanswered commands. */
  #reconcile(): void {
    const predict = this.#o.predict;
    if (!predict || this.#pending.length === 0) this.#predicted = undefined;
    else {
      const entities = new Map<string, Values>();
      for (const [id, v] of this.#view.entities) entities.set(id, copyValues(v));
      const state = { room: copyValues(this.#view.room), entities };
      const me = this.#welcome?.playerId ?? '';
      for (const p of this.#pending) predict(state, p.command, me);
      this.#predicted = state;
    }
    this.#events.emit('change', this.view);
  }

  /**
   * Whether the connection that just ended held a player queued by matchmaking on a process that
   * went away (no Close, or one that says to look again), with re-queues left.
   */
  #shouldRequeue(): boolean {
    const close = this.#serverClose;
    return (
      !this.#hungUp &&
      this.#o.requeue !== undefined &&
      this.#o.join.game !== undefined &&
      this.#welcome === undefined &&
      (this.#state === RoomClientState.Joining || this.#state === RoomClientState.Connecting) &&
      (close === undefined || GAME_FOLLOW_CLOSE_CODES.has(close.code)) &&
      this.#requeues < (this.#o.maxRequeues ?? DEFAULT_MAX_REQUEUES)
    );
  }

  async #requeue(): Promise<void> {
    const code = this.#serverClose?.code;
    this.#serverClose = undefined;
    this.#state = RoomClientState.Connecting;
    this.#events.emit('requeue', { attempt: ++this.#requeues, code });
    try {
      const ticket = await this.#o.requeue!();
      // close() while the ticket was on its way: stay closed.
      if (this.#hungUp) return this.#onClosed('closed by the client');
      this.#url = ticket.url;
      this.#token = ticket.token;
      this.#open();
    } catch (error) {
      const e = error as { code?: string; message?: string };
      this.#serverClose = { code: e.code ?? 'CLIENT_GAME_CONNECT_FAILED', message: e.message ?? 'no new ticket' };
      this.#onClosed('');
    }
  }

  #onClosed(reason: string): void {
    if (this.#state === RoomClientState.Closed) return;
    if (this.#shouldRequeue()) {
      void this.#requeue();
      return;
    }
    this.#state = RoomClientState.Closed;
    const close = this.#serverClose ?? { code: 'CLIENT_GAME_CONNECT_FAILED', message: reason || 'the connection closed' };
    this.#connecting?.reject(new TicklineApiError(close.code, close.message));
    this.#connecting = undefined;
    this.#events.emit('closed', close);
  }
}
