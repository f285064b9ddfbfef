/**
 * @module The game client: one player's connection to a zone. It says hello with a join token,
 * answers heartbeats, pings for RTT, sends moves with increasing seq stamped with its estimate of
 * the server tick, predicts its own movement and reconciles on each ack, interpolates others from
 * deltas, and resumes its session after a drop within the grace period.
 *
 * @example
 * const game = new GameClient({ url: join.ws!, token: join.token });
 * game.on('reject', (r) => console.warn(r.reason));
 * await game.connect();
 * game.move(0.4, 0); // predicted at once, reconciled when the ack arrives
 */
import { Emitter, type Listener } from '../emitter.ts';
import { TicklineApiError } from '../errors.ts';
import { backoffDelayMs } from '../stream/backoff.ts';
import type { GameSocket } from './connector.ts';
import { GameClientState, type GameClientEvents } from './game-events.ts';
import {
  resolveGameClientOptions,
  type GameClientOptions,
  type ResolvedGameClientOptions,
} from './game-client-options.ts';
import { Interpolator, type RemotePlayer } from './interpolation.ts';
import { Predictor } from './prediction.ts';
import {
  decodeMessage,
  dequantize,
  encodeMessage,
  HandleView,
  MessageType,
  peekTickAck,
  TICK_FRAME_MARKER,
  type ClientMessage,
  type GameProtocolError,
  type ServerMessage,
  type TickAck,
  type TickMessage,
  type WelcomeMessage,
  GAME_FOLLOW_CLOSE_CODES,
} from '@tickline/protocol';
import { TickClock } from './tick-clock.ts';

/** Options of {@link GameClient.moveTo}. */
export interface MoveToOptions {
  /** Move the predicted position now. False sends the command only (it settles when answered). @default true */
  predict?: boolean;
}

/** One player's game connection. */
export class GameClient {
  readonly options: ResolvedGameClientOptions;
  readonly #events = new Emitter<GameClientEvents>();
  #state: GameClientState = GameClientState.Idle;
  #socket: GameSocket | undefined;
  #generation = 0;
  #welcome: WelcomeMessage | undefined;
  #predictor = new Predictor(0, 0);
  readonly #others = new Interpolator();
  /** Who each handle in view is: learnt when a player enters the view, forgotten when it leaves. */
  readonly #view = new HandleView();
  #clock: TickClock | undefined;
  #nextSeq = 1;
  #sentAt = new Map<number, number>();
  #lastHeardMs = 0;
  #pingNonce = 0;
  #pingSentMs = 0;
  #rttMs: number | undefined;
  #serverClose: { code: string; message: string } | undefined;
  #droppedAtMs = 0;
  #attempt = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** Where the zone is: the options' url, until a seat moves it. */
  #url: string;
  #connecting: { resolve: (w: WelcomeMessage) => void; reject: (e: TicklineApiError) => void } | undefined;

  constructor(options: GameClientOptions) {
    this.options = resolveGameClientOptions(options);
    this.#url = this.options.url;
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof GameClientEvents>(name: K, listener: Listener<GameClientEvents[K]>): () => void {
    return this.#events.on(name, listener);
  }

  get state(): GameClientState {
    return this.#state;
  }
  /** The latest welcome (player, zone, session, bounds), once connected. */
  get welcome(): WelcomeMessage | undefined {
    return this.#welcome;
  }
  /** The predicted position of the local player. */
  get position(): { x: number; y: number } {
    return { x: this.#predictor.x, y: this.#predictor.y };
  }
  /** The predictor: authoritative position, pending inputs. */
  get prediction(): Predictor {
    return this.#predictor;
  }
  /** The latest RTT sample in milliseconds. */
  get rttMs(): number | undefined {
    return this.#rttMs;
  }
  /** The estimated current server tick. */
  get serverTick(): number {
    return this.#clock ? Math.floor(this.#clock.at(this.options.now())) : 0;
  }
  /** The tick the last move was stamped with. */
  get lastMoveTick(): number {
    return this.#clock?.lastStamp ?? 0;
  }
  /** Other players in view, interpolated at the render time (now minus the interpolation delay). */
  others(): RemotePlayer[] {
    if (!this.#clock) return [];
    return this.#others.sample(this.#clock.at(this.options.now()) - this.options.interpolationDelayTicks);
  }

  /** Connects and says hello; resolves with the welcome. */
  connect(): Promise<WelcomeMessage> {
    if (this.#state !== GameClientState.Idle)
      return Promise.reject(new TypeError(`connect() in state ${this.#state}`));
    return new Promise((resolve, reject) => {
      this.#connecting = { resolve, reject };
      this.#setState(GameClientState.Connecting);
      this.#timer = setInterval(() => this.#onTimer(), Math.min(this.options.pingIntervalMs, 1000));
      void this.#open();
    });
  }

  /** Moves by (dx, dy) from the predicted position. Returns the command's seq, or undefined when not connected. */
  move(dx: number, dy: number): number | undefined {
    return this.moveTo(this.#predictor.x + dx, this.#predictor.y + dy);
  }

  /** Moves to (x, y). Returns the command's seq, or undefined when not connected. */
  moveTo(x: number, y: number, options: MoveToOptions = {}): number | undefined {
    if (this.#state !== GameClientState.Connected || !this.#clock) return undefined;
    const now = this.options.now();
    const seq = this.#nextSeq++;
    const predict = options.predict ?? true;
    const before = { x: this.#predictor.x, y: this.#predictor.y };
    const target = this.#predictor.apply(seq, predict ? x - before.x : 0, predict ? y - before.y : 0, now);
    this.#sentAt.set(seq, now);
    this.#send({
      type: MessageType.Move,
      seq,
      tick: this.#clock.stamp(now),
      ...(predict ? target : { x, y }),
    });
    return seq;
  }

  /** Leaves the zone and closes for good. */
  close(): void {
    if (this.#state === GameClientState.Closed) return;
    if (this.#state === GameClientState.Connected)
      this.#send({ type: MessageType.Leave, seq: this.#nextSeq++ });
    this.#finish('CLIENT_GAME_CLOSED', 'closed by the client');
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    let token: string;
    try {
      const seat = await this.options.token(this.#welcome !== undefined);
      // A seat with an address follows the zone to its process (failover, hand-off).
      if (typeof seat === 'string') token = seat;
      else {
        token = seat.token;
        this.#url = seat.url;
      }
    } catch (error) {
      return this.#closed(generation, 1006, `no join token: ${(error as Error).message}`);
    }
    if (generation !== this.#generation) return;
    this.#lastHeardMs = this.options.now();
    this.#socket = this.options.connector(this.#url, {
      opened: () => {
        if (generation !== this.#generation) return;
        const resume = this.#welcome?.sessionId;
        this.#send({
          type: MessageType.Hello,
          token,
          ...(resume !== undefined ? { resumeSession: resume } : {}),
        });
      },
      message: (bytes) => {
        if (generation === this.#generation) this.#receive(bytes);
      },
      closed: ({ code, reason }) => this.#closed(generation, code, reason),
    });
  }

  #receive(bytes: Uint8Array): void {
    const now = (this.#lastHeardMs = this.options.now());
    // A client that does not track others reads a tick frame's header only (tick and ack).
    if (!this.options.trackOthers && bytes[0] === TICK_FRAME_MARKER) {
      const head = peekTickAck(bytes);
      if (head) {
        this.#clock?.observe(head.tick, now, this.#transitTicks());
        if (head.ack) this.#onAck(head.tick, head.ack, now);
        return;
      }
    }
    let message: ServerMessage;
    try {
      message = decodeMessage(bytes, { maxBytes: this.options.maxMessageBytes }) as ServerMessage;
    } catch (error) {
      // The SDK reports every failure as a TicklineApiError; the protocol's code passes through.
      const e = error as GameProtocolError;
      this.#events.emit('error', new TicklineApiError(e.code, e.message, { details: e.details, cause: e }));
      return;
    }
    const transitTicks = this.#transitTicks();
    switch (message.type) {
      case MessageType.Welcome:
        return this.#onWelcome(message, now);
      case MessageType.Tick:
        this.#clock?.observe(message.tick, now, transitTicks);
        if (message.ack) this.#onAck(message.tick, message.ack, now);
        return this.#onView(message);
      case MessageType.Reject: {
        this.#clock?.observe(message.tick, now, transitTicks);
        const latencyMs = this.#latency(message.seq, now);
        this.#predictor.reconcile(message.seq, message.x, message.y);
        const { seq, tick, reason, x, y } = message;
        return this.#events.emit('reject', { seq, tick, reason, x, y, latencyMs });
      }
      case MessageType.Heartbeat:
        this.#clock?.observe(message.tick, now, transitTicks);
        return this.#send({ type: MessageType.HeartbeatAck, nonce: message.nonce });
      case MessageType.Pong:
        if (message.nonce !== this.#pingNonce) return;
        this.#rttMs = now - this.#pingSentMs;
        return this.#events.emit('rtt', this.#rttMs);
      case MessageType.Notice:
        return this.#events.emit('notice', { level: message.level, text: message.text });
      case MessageType.Error:
        return this.#events.emit('error', new TicklineApiError(message.code, message.message));
      case MessageType.Close:
        this.#serverClose = { code: message.code, message: message.message };
        return;
    }
  }

  #transitTicks(): number {
    return this.#clock && this.#rttMs !== undefined ? this.#rttMs / 2 / this.#clock.tickMs : 0;
  }

  /** The ack folded into a tick frame: settles inputs up to its seq. */
  #onAck(tick: number, ack: TickAck, now: number): void {
    const step = this.#welcome?.positionStep ?? 1;
    const x = dequantize(ack.qx, step);
    const y = dequantize(ack.qy, step);
    const latencyMs = this.#latency(ack.seq, now);
    // Within half a step of the prediction is the prediction (see Predictor.reconcile).
    const { correction } = this.#predictor.reconcile(ack.seq, x, y, step / 2);
    const auth = this.#predictor.authoritative;
    this.#events.emit('ack', { seq: ack.seq, tick, x: auth.x, y: auth.y, latencyMs, correction });
  }

  /** A tick frame's view changes, by handle, as a delta of ids and world positions. */
  #onView(tick: TickMessage): void {
    const welcome = this.#welcome;
    if (tick.reset) this.#others.clear();
    const delta = this.#view.read(tick, welcome?.handle ?? -1, welcome?.positionStep ?? 1);
    if (delta.left.length + delta.entered.length + delta.moved.length === 0) return;
    this.#others.apply(delta);
    this.#events.emit('delta', delta);
  }

  #onWelcome(welcome: WelcomeMessage, now: number): void {
    const resumed = this.#welcome !== undefined && welcome.resumed;
    this.#welcome = welcome;
    this.#attempt = 0;
    // A new session starts its stamps afresh; a resumed one must not stamp below its last move.
    if (!resumed || !this.#clock) this.#clock = new TickClock(welcome.tickRateHz);
    this.#clock.reset(welcome.tick, now);
    // Commands after lastSeq never reached the zone: forget them rather than replay stale targets.
    const bounds = this.options.clampToBounds ? welcome : undefined;
    if (resumed) this.#predictor.reset(welcome.x, welcome.y, welcome.lastSeq);
    else this.#predictor = new Predictor(welcome.x, welcome.y, welcome.lastSeq, bounds);
    if (!resumed) {
      this.#others.clear();
      this.#view.clear();
    }
    this.#sentAt.clear();
    this.#nextSeq = Math.max(this.#nextSeq, welcome.lastSeq + 1);
    this.#setState(GameClientState.Connected);
    if (this.#connecting) {
      this.#connecting.resolve(welcome);
      this.#connecting = undefined;
    }
    this.#events.emit(resumed ? 'resumed' : 'welcome', welcome);
  }

  #latency(seq: number, now: number): number | undefined {
    const sentAt = this.#sentAt.get(seq);
    // Answers come in seq order per connection, so older entries are settled too.
    for (const key of this.#sentAt.keys()) {
      if (key > seq) break;
      this.#sentAt.delete(key);
    }
    return sentAt === undefined ? undefined : now - sentAt;
  }

  #onTimer(): void {
    const now = this.options.now();
    if (this.#socket && now - this.#lastHeardMs > this.options.deadAfterMs) {
      // A silent peer (or a connect that hangs): abandon the socket, whose late events are
      // ignored, and go on as if it had closed.
      const generation = this.#generation;
      this.#socket.close();
      this.#closed(generation, 1006, 'no message from the server');
      return;
    }
    if (this.#state === GameClientState.Connected) {
      if (now - this.#pingSentMs >= this.options.pingIntervalMs) {
        this.#pingSentMs = now;
        this.#send({ type: MessageType.Ping, nonce: ++this.#pingNonce });
      }
    }
  }

  #closed(generation: number, code: number, reason: string): void {
    if (generation !== this.#generation || this.#state === GameClientState.Closed) return;
    this.#generation++;
    this.#socket = undefined;
    const serverClose = this.#serverClose;
    this.#serverClose = undefined;
    // A zone that moved (hand-off, take-over, restart) is followed: the token function is asked
    // again for a seat, and the hello resumes the session at the zone's new address.
    if (serverClose && !(this.#welcome !== undefined && GAME_FOLLOW_CLOSE_CODES.has(serverClose.code)))
      return this.#finish(serverClose.code, serverClose.message);
    if (this.#welcome === undefined)
      return this.#finish(
        'CLIENT_GAME_CONNECT_FAILED',
        `closed before welcome (${code}${reason ? ` ${reason}` : ''})`,
      );
    const now = this.options.now();
    if (this.#state === GameClientState.Connected) {
      this.#droppedAtMs = now;
      this.#attempt = 0;
      this.#setState(GameClientState.Resuming);
    }
    const delay = backoffDelayMs(++this.#attempt, this.options.reconnect);
    if (now + delay - this.#droppedAtMs > this.options.resumeGraceMs)
      return this.#finish(
        'CLIENT_GAME_RESUME_FAILED',
        `could not resume within ${this.options.resumeGraceMs} ms`,
      );
    this.#retry = setTimeout(() => void this.#open(), delay);
  }

  #finish(code: string, message: string): void {
    if (this.#state === GameClientState.Closed) return;
    this.#generation++;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    this.#socket?.close();
    this.#socket = undefined;
    this.#setState(GameClientState.Closed);
    if (this.#connecting) {
      this.#connecting.reject(new TicklineApiError(code, message));
      this.#connecting = undefined;
    }
    this.#events.emit('closed', { code, message });
  }

  #send(message: ClientMessage): void {
    this.#socket?.send(encodeMessage(message));
  }

  #setState(state: GameClientState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#events.emit('state', { state, previous });
  }
}
