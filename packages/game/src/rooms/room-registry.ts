/**
 * @module The rules rooms of one game process: created by game type on request or by matchmaking,
 * found by id or private code, listed by game, and disposed of once empty past a grace period.
 * Creation is capped per process and rate-limited per user. Matchmaking fills an open public room
 * of the type that already has players, or queues players until the game's `minPlayers` are there
 * and seats them together in a new room.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { silentLogger, systemClock, TicklineError, type Clock, type Logger } from '@tickline/kernel';
import type { Publisher } from '@tickline/eventlog';
import type { Scheduler } from '../loop/scheduler.ts';
import type { AnyGameRules, RulesRoom } from '../rules/index.ts';
import { MAX_ROOMS_PER_PROCESS, ROOM_CREATES_PER_MINUTE, ROOM_EMPTY_GRACE_MS } from '../config.ts';
import { RejectReason } from '../zone/errors.ts';
import { RoomRunner } from './room-runner.ts';
import { RoomTicker } from './room-ticker.ts';

const MINUTE_MS = 60_000;
/** Private codes: no 0/O or 1/I, read aloud without confusion. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

export interface RoomRegistryOptions {
  /** The games this process can run, by name (read at each call: the catalogue loads at start). */
  games: () => ReadonlyMap<string, AnyGameRules>;
  events: Pick<Publisher, 'publish'>;
  tickRateHz: number;
  /** @default MAX_ROOMS_PER_PROCESS */
  maxRooms?: number;
  /** @default ROOM_CREATES_PER_MINUTE */
  createsPerMinute?: number;
  /** @default ROOM_EMPTY_GRACE_MS */
  emptyGraceMs?: number;
  clock?: Clock;
  scheduler?: Scheduler;
  /** False while this process may not run its rooms (its directory lease lapsed). @default always */
  leased?: () => boolean;
  logger?: Logger;
}

/** A player waiting to be matched: `seat` is called once with the room that holds a seat for it. */
export interface RoomWaiter {
  readonly playerId: string;
  seat(runner: RoomRunner): void;
}

export interface CreateRoomOptions {
  private?: boolean;
  /** The user asking (rate-limited); absent for rooms made by matchmaking. */
  createdBy?: string;
}

type Listener = (runner: RoomRunner) => void;

export class RoomRegistry {
  readonly #o: RoomRegistryOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #rooms = new Map<string, RoomRunner>();
  readonly #byCode = new Map<string, RoomRunner>();
  readonly #queues = new Map<string, RoomWaiter[]>();
  /** Per user, the times of their recent creations (within a minute). */
  readonly #creations = new Map<string, number[]>();
  readonly #created: Listener[] = [];
  readonly #disposed: Listener[] = [];
  /** Players banned from rooms, until when (ms since the epoch). Held in memory, per process. */
  readonly #bans = new Map<string, number>();
  /** One ticker per tick rate: every room of a rate steps on the same timer. */
  readonly #tickers = new Map<number, RoomTicker>();

  constructor(options: RoomRegistryOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  get size(): number {
    return this.#rooms.size;
  }
  get emptyGraceMs(): number {
    return this.#o.emptyGraceMs ?? ROOM_EMPTY_GRACE_MS;
  }

  /** Bans a player from joining rooms here until `untilMs` (0 lifts the ban). */
  ban(playerId: string, untilMs: number): void {
    if (untilMs > this.#clock.now()) this.#bans.set(playerId, untilMs);
    else this.#bans.delete(playerId);
  }

  /** Until when a player is banned, if it is now. */
  bannedUntil(playerId: string): number | undefined {
    const until = this.#bans.get(playerId);
    if (until === undefined) return undefined;
    if (until > this.#clock.now()) return until;
    this.#bans.delete(playerId);
    return undefined;
  }

  /** The bans in force: player and until when (ms since the epoch). */
  bans(): Array<[playerId: string, untilMs: number]> {
    const now = this.#clock.now();
    return [...this.#bans].filter(([, until]) => until > now);
  }

  /** Every room, private ones too, of one game or all (moderation). */
  all(gameName?: string): RoomRunner[] {
    return [...this.#rooms.values()].filter((r) => gameName === undefined || r.game.name === gameName);
  }

  /** Calls `created` for every room made from now on, `disposed` for every room let go. */
  observe(created: Listener, disposed: Listener): void {
    this.#created.push(created);
    this.#disposed.push(disposed);
  }

  /** The names of the games this process runs. */
  gameNames(): string[] {
    return [...this.#o.games().keys()];
  }

  game(name: string): AnyGameRules | undefined {
    return this.#o.games().get(name);
  }

  /**
   * Makes a room of `gameName`, ticking and empty.
   * @throws TicklineError GAME_UNKNOWN_GAME, GAME_ROOM_RATE_LIMITED, GAME_ROOM_LIMIT
   */
  create(gameName: string, options: CreateRoomOptions = {}): RoomRunner {
    const game = this.game(gameName);
    if (!game)
      throw new TicklineError(RejectReason.UnknownGame, `no game ${gameName.slice(0, 64)} is loaded here`, {
        details: { game: gameName.slice(0, 64) },
      });
    const user = options.createdBy;
    const now = this.#clock.monotonic();
    const recent = user === undefined ? [] : (this.#creations.get(user) ?? []).filter((t) => now - t < MINUTE_MS);
    const perMinute = this.#o.createsPerMinute ?? ROOM_CREATES_PER_MINUTE;
    if (recent.length >= perMinute)
      throw new TicklineError(RejectReason.RoomRateLimited, `at most ${perMinute} rooms a minute per user`, {
        details: { createsPerMinute: perMinute },
      });
    const max = this.#o.maxRooms ?? MAX_ROOMS_PER_PROCESS;
    if (this.#rooms.size >= max)
      throw new TicklineError(RejectReason.RoomLimit, `this game process holds ${max} rooms already`, {
        details: { maxRooms: max },
      });
    const code = options.private ? this.#newCode() : undefined;
    const runner = new RoomRunner({
      roomId: `${game.name}-${randomBytes(6).toString('base64url')}`,
      ...this.#runnerOptions(game),
      code,
      createdBy: user,
      seed: randomInt(1, 2 ** 31),
    });
    if (user !== undefined) this.#creations.set(user, [...recent, now]);
    this.#add(runner);
    return runner;
  }

  /** The tick rate a room of `game` runs at. */
  tickRateOf(game: AnyGameRules): number {
    // The game's own rate when it names one (a turn-based game needs few ticks), else the server's.
    return game.tickRateHz ?? this.#o.tickRateHz;
  }

  /**
   * Runs here a room recovered from another process (failover, hand-off), under its id and its
   * private code. Not capped: its players must find it somewhere.
   */
  adopt(room: RulesRoom, options: { code?: string | undefined } = {}): RoomRunner {
    this.dispose(room.roomId);
    const runner = new RoomRunner({ ...this.#runnerOptions(room.game), roomId: room.roomId, code: options.code, restored: room });
    this.#add(runner);
    return runner;
  }

  #runnerOptions(game: AnyGameRules) {
    const tickRateHz = this.tickRateOf(game);
    return {
      game,
      tickRateHz,
      events: this.#o.events,
      clock: this.#clock,
      ticker: this.#tickerOf(tickRateHz),
      ...(this.#o.leased && { leased: this.#o.leased }),
      logger: this.#logger,
    };
  }

  #tickerOf(tickRateHz: number): RoomTicker {
    let ticker = this.#tickers.get(tickRateHz);
    if (ticker === undefined) {
      ticker = new RoomTicker({
        periodMs: 1000 / tickRateHz,
        clock: this.#clock,
        ...(this.#o.scheduler && { scheduler: this.#o.scheduler }),
        logger: this.#logger,
      });
      this.#tickers.set(tickRateHz, ticker);
    }
    return ticker;
  }

  #add(runner: RoomRunner): void {
    this.#rooms.set(runner.roomId, runner);
    if (runner.code !== undefined) this.#byCode.set(runner.code, runner);
    for (const listener of this.#created) listener(runner);
    runner.start();
  }

  get(roomId: string): RoomRunner | undefined {
    return this.#rooms.get(roomId);
  }

  byCode(code: string): RoomRunner | undefined {
    return this.#byCode.get(code.toUpperCase());
  }

  /** Public rooms, of one game or all, oldest first. */
  list(gameName?: string): RoomRunner[] {
    return [...this.#rooms.values()].filter(
      (r) => r.code === undefined && (gameName === undefined || r.game.name === gameName),
    );
  }

  /** Players queued for `gameName`. */
  queued(gameName: string): number {
    return this.#queues.get(gameName)?.length ?? 0;
  }

  /**
   * Seats `waiter` in an open public room of the game that has players already (the fullest
   * first), or queues it until the game's `minPlayers` wait, then seats them in a new room.
   * Returns the cancellation (a no-op once seated).
   * @throws TicklineError GAME_UNKNOWN_GAME; GAME_ROOM_LIMIT when a room is due but none can be made
   */
  matchmake(gameName: string, waiter: RoomWaiter): () => void {
    const game = this.game(gameName);
    if (!game)
      throw new TicklineError(RejectReason.UnknownGame, `no game ${gameName.slice(0, 64)} is loaded here`);
    const open = this.list(gameName)
      .filter((r) => r.freeSeats > 0 && r.players.length + r.reserved > 0)
      .sort((a, b) => a.freeSeats - b.freeSeats)[0];
    if (open) {
      this.#seat(open, waiter);
      return () => {};
    }
    const queue = this.#queues.get(gameName) ?? [];
    this.#queues.set(gameName, queue);
    queue.push(waiter);
    const cancel = () => {
      const at = queue.indexOf(waiter);
      if (at >= 0) queue.splice(at, 1);
    };
    if (queue.length < game.players.min) return cancel;
    let runner: RoomRunner;
    try {
      runner = this.create(gameName);
    } catch (error) {
      cancel();
      throw error;
    }
    for (const w of queue.splice(0, game.players.max)) this.#seat(runner, w);
    return cancel;
  }

  #seat(runner: RoomRunner, waiter: RoomWaiter): void {
    runner.reserved++;
    waiter.seat(runner);
  }

  /** Disposes of rooms empty (no player, none on the way) for the grace period. */
  sweep(): void {
    const now = this.#clock.monotonic();
    for (const runner of [...this.#rooms.values()])
      if (runner.emptySince !== undefined && runner.reserved === 0 && now - runner.emptySince >= this.emptyGraceMs)
        this.dispose(runner.roomId);
  }

  dispose(roomId: string): void {
    const runner = this.#rooms.get(roomId);
    if (!runner) return;
    runner.stop();
    this.#rooms.delete(roomId);
    if (runner.code !== undefined) this.#byCode.delete(runner.code);
    for (const listener of this.#disposed) listener(runner);
    this.#logger.debug({ roomId, game: runner.game.name }, 'room disposed');
  }

  /** Stops every room (process stop). */
  close(): void {
    for (const roomId of [...this.#rooms.keys()]) this.dispose(roomId);
    this.#queues.clear();
  }

  #newCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
      if (!this.#byCode.has(code)) return code;
    }
  }
}
