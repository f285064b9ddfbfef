/**
 * @module A room that runs any game written against the rules API. Inputs are queued as they
 * arrive and applied at the next tick in arrival order; each handler runs on a draft of the
 * state that is kept only when it accepts, stays valid and finishes within its budget. The room
 * never awaits, reads wall time or does I/O: time comes from the injected clock.
 */
import {
  createEventSource,
  silentLogger,
  systemClock,
  type Clock,
  type EventSource,
  type Logger,
} from '@tickline/kernel';
import { RejectReason } from '../zone/errors.ts';
import { decodeCommand } from './decode-command.ts';
import { HandlerBudget } from './handler-budget.ts';
import { callHandler, rejectInput, type Hook } from './handler-call.ts';
import { copyValues, valuesProblem } from './fields.ts';
import { draftOf, eventProblem, type Draft, type PendingEvent, type State } from './handler-draft.ts';
import { SeededRandom } from './random.ts';
import { EntityHandles, fullFrame, RoomDeltaTracker } from './room-delta.ts';
import { RoomClosed } from './room-events.ts';
import { restoreRoomState, ROOM_SNAPSHOT_FORMAT, type RoomSnapshot } from './room-snapshot.ts';
import { roomVisibility, type RoomVisibility, type StateLike } from './room-visibility.ts';
import { seesWholeRoom } from './spatial-grid.ts';
import type { AnyGameRules, Decision, RoomState, RulesContext } from './types.ts';

import {
  DEFAULT_HANDLER_BUDGET_MS,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_ROOM_TICK_RATE_HZ,
  type RoomInput,
  type RoomStepResult,
  type RulesRoomOptions,
} from './rules-room-types.ts';

export {
  DEFAULT_HANDLER_BUDGET_MS,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_ROOM_TICK_RATE_HZ,
  type RoomAck,
  type RoomInput,
  type RoomRejection,
  type RoomStepResult,
  type RulesRoomOptions,
} from './rules-room-types.ts';

/** A handler's context as the room writes it (handlers see it read-only). */
type WritableContext = { -readonly [K in keyof RulesContext]: RulesContext[K] };

/** A room running one game. */
export class RulesRoom<G extends AnyGameRules = AnyGameRules> {
  readonly game: G;
  readonly roomId: string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #budget: HandlerBudget;
  readonly #maxFailures: number;
  readonly #random: SeededRandom;
  readonly #events: EventSource;
  readonly #tickMs: number;
  readonly #visibility: RoomVisibility;
  /** The entities' handles in frames, one table for every player's stream (room-delta.ts). */
  readonly #handles = new EntityHandles();
  readonly #tracker: RoomDeltaTracker;
  /** What each player was last sent, when they see different things (a new tracker starts with a reset frame). */
  readonly #views = new Map<string, RoomDeltaTracker>();
  /**
   * Players of a spatial room who see the whole room, sent the shared tracker's frame (encoded once
   * a tick) instead of one of their own: a crowd within each other's view costs one frame, not one
   * per player (a game with `owner` fields keeps one frame per player).
   */
  readonly #seeAll = new Set<string>();
  readonly #players: string[] = [];
  /** A frozen copy of `#players` for handlers (they must not change membership). */
  #playersView: readonly string[] = Object.freeze([]);
  readonly #lastSeq = new Map<string, number>();
  /** Muted players and until when (tick clock, ms since the epoch). */
  readonly #mutedUntil = new Map<string, number>();
  #state: State;
  /**
   * The state may differ from what the last frames were computed from. Handlers change only a
   * draft, kept by replacing the state, so a tick that kept none has no frame to compute: a
   * turn-based room between commands costs no diff, copy or encoding.
   */
  #changed = true;
  #queue: RoomInput[] = [];
  #tick = 0;
  /** The clock read once per step: every handler of a tick sees the same time. */
  #nowMs = 0;
  #failures = 0;
  #closed: { code: string; message: string } | undefined;
  /** The step that closed the room said so (once: its players are told once). */
  #closedReported = false;
  #pending: PendingEvent[] = [];
  /** The last handler's draft, reset for the next (handler-draft.ts `draftOf`). */
  #draft: Draft | undefined;

  constructor(options: RulesRoomOptions<G>) {
    this.game = options.game;
    this.roomId = options.roomId;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? silentLogger).child({
      game: options.game.name,
      roomId: options.roomId,
    });
    this.#budget = new HandlerBudget(options.handlerBudgetMs ?? DEFAULT_HANDLER_BUDGET_MS, options.timer);
    this.#maxFailures = options.maxConsecutiveFailures ?? DEFAULT_MAX_CONSECUTIVE_FAILURES;
    this.#random = new SeededRandom(options.seed ?? 1);
    this.#tickMs = 1000 / (options.tickRateHz ?? options.game.tickRateHz ?? DEFAULT_ROOM_TICK_RATE_HZ);
    this.#visibility = roomVisibility(options.game);
    this.#tracker = new RoomDeltaTracker(this.#visibility.fields, this.#handles, this.#visibility.steps);
    this.#events = createEventSource({
      source: `room/${options.roomId}`,
      clock: this.#clock,
      lastSeq: options.lastEventSeq ?? 0,
    });
    this.#nowMs = this.#clock.now();
    // init runs outside the tick guard: a game that cannot even start is a load error, not a room's.
    const room = this.game.init(this.#context(0, 0));
    this.#state = { room, entities: new Map() };
    const problem = valuesProblem(this.game.state.room, room);
    if (problem !== undefined)
      throw new RangeError(`${this.game.name}.init returned an invalid room: ${problem}`);
    this.#pending.length = 0;
  }

  /** Rebuilds a room from a snapshot (migrating an older game version's state when the game can). */
  static restore<G extends AnyGameRules>(snapshot: RoomSnapshot, options: RulesRoomOptions<G>): RulesRoom<G> {
    const room = new RulesRoom<G>({
      ...options,
      roomId: snapshot.roomId,
      lastEventSeq: snapshot.lastEventSeq,
    });
    room.#state = restoreRoomState(options.game, snapshot);
    room.#tick = snapshot.tick;
    room.#random.state = snapshot.random;
    for (const p of snapshot.players) {
      room.#players.push(p.id);
      room.#lastSeq.set(p.id, p.lastSeq);
    }
    room.#membershipChanged();
    // MessagePack and JSON turn an absent `closed` into null or nothing: either means open.
    room.#closed = snapshot.closed ?? undefined;
    room.#closedReported = room.#closed !== undefined;
    room.#tracker.forceReset();
    room.#changed = true;
    return room;
  }

  get tick(): number {
    return this.#tick;
  }
  /** Players in the room, in join order. */
  get players(): readonly string[] {
    return this.#playersView;
  }
  get closed(): boolean {
    return this.#closed !== undefined;
  }
  /** The live state, for inspection and tests: never change it from outside a handler. */
  get state(): Readonly<RoomState<G['state']['room'], G['state']['entity']>> {
    return this.#state;
  }

  /** The time handlers saw in the last step (at construction: `init`'s): what a replay must give again. */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** Until when (ms since the epoch) a player's commands are refused, if it is muted now. */
  mutedUntil(playerId: string): number | undefined {
    const until = this.#mutedUntil.get(playerId);
    return until !== undefined && until > this.#nowMs ? until : undefined;
  }

  /** The last seq the room applied for a player in it (0 after its join), or undefined. */
  lastSeqOf(playerId: string): number | undefined {
    return this.#lastSeq.get(playerId);
  }

  enqueue(input: RoomInput): void {
    this.#queue.push(input);
  }

  /**
   * The whole state as a frame with the reset flag: what a player gets when it joins or resumes.
   * For a spatial game, the whole of what `playerId` sees (its next delta continues from it).
   */
  fullFrame(playerId?: string): Uint8Array {
    const visibility = this.#visibility;
    if (!visibility.perPlayer || playerId === undefined)
      return visibility.encode(
        fullFrame(
          visibility.shared(this.#state),
          this.#tick,
          this.#handles,
          visibility.fields,
          visibility.steps,
        ),
      );
    const tracker = new RoomDeltaTracker(this.#visibility.fields, this.#handles, this.#visibility.steps);
    this.#views.set(playerId, tracker);
    this.#seeAll.delete(playerId);
    return visibility.encode(tracker.delta(visibility.of(this.#state, playerId), this.#tick)!);
  }

  /**
   * Advances the room: applies the queued inputs, then the game's `tick`, then computes the frame.
   * `ticks` > 1: a late loop's one step over every tick it missed (the tick counter stays on wall
   * time, as the zone's does). The inputs see the first of them as `ctx.tick`, the game's `tick`
   * runs once with `ctx.ticks` = `ticks` and the last as `ctx.tick`: what the same ticks stepped
   * one by one give, the inputs arriving in the first (a game that steps per tick uses `eachTick`).
   */
  step(ticks = 1): RoomStepResult {
    if (!Number.isSafeInteger(ticks) || ticks < 1)
      throw new RangeError(`a room steps over a positive whole number of ticks, not ${ticks}`);
    const first = this.#tick + 1;
    const tick = (this.#tick += ticks);
    this.#nowMs = this.#clock.now();
    const result: RoomStepResult = {
      tick,
      acks: [],
      rejections: [],
      events: [],
      frame: undefined,
      viewFrames: undefined,
      closed: undefined,
    };
    const queue = this.#queue;
    if (queue.length > 0) this.#queue = [];
    for (const input of queue) {
      if (this.#closed) {
        result.rejections.push({ playerId: input.playerId, seq: input.seq, reason: RejectReason.RoomClosed });
        continue;
      }
      this.#apply(input, this.#context(first, input.seq), result);
    }
    if (this.game.tick && !this.#closed) this.#run('tick', '', this.#context(tick, 0, ticks), undefined);
    if (!this.#closed) this.#frames(tick, result);
    if (this.#pending.length > 0) {
      for (const e of this.#pending)
        result.events.push(
          this.#events.create(e.definition, { subject: e.subject, partitionkey: this.roomId, data: e.data }),
        );
      this.#pending = [];
    }
    if (this.#closed && !this.#closedReported) {
      this.#closedReported = true;
      result.closed = this.#closed;
    }
    return result;
  }

  /** The tick's frame (every player sees the same) or each player's (room-visibility.ts). */
  #frames(tick: number, result: RoomStepResult): void {
    const visibility = this.#visibility;
    if (!this.#changed) {
      // Nothing kept since the last frames: every player's view is what it was sent.
      if (visibility.perPlayer) result.viewFrames = new Map();
      return;
    }
    this.#changed = false;
    if (!visibility.perPlayer) {
      const frame = this.#tracker.delta(visibility.shared(this.#state), tick);
      if (frame) result.frame = visibility.encode(frame);
    } else this.#viewFrames(tick, result);
    // Every stream has now told its player of the entities gone: their handles may be given again.
    this.#handles.prune(this.#state.entities);
  }

  /** Each player's frame of a spatial game or one with `owner` fields. */
  #viewFrames(tick: number, result: RoomStepResult): void {
    const visibility = this.#visibility;
    const frames = (result.viewFrames = new Map());
    const whole =
      this.game.spatial && visibility.uniform
        ? seesWholeRoom(this.#state.entities, this.game.spatial)
        : undefined;
    if (whole) {
      // Leaving the group: a tracker of its own that has sent what the group was sent up to now.
      for (const id of this.#seeAll)
        if (!whole(id)) {
          this.#views.set(id, this.#tracker.clone());
          this.#seeAll.delete(id);
        }
      const frame = this.#tracker.delta(visibility.shared(this.#state), tick);
      const bytes = frame && visibility.encode(frame);
      for (const id of this.#seeAll) if (bytes) frames.set(id, bytes);
    }
    // The views of players outside the group, through one grid for them all (built only if any).
    let viewOf: ((playerId: string) => StateLike) | undefined;
    for (const id of this.#players) {
      if (this.#seeAll.has(id)) continue;
      let tracker = this.#views.get(id);
      if (tracker === undefined)
        this.#views.set(
          id,
          (tracker = new RoomDeltaTracker(this.#visibility.fields, this.#handles, this.#visibility.steps)),
        );
      const frame = tracker.delta((viewOf ??= visibility.views(this.#state))(id), tick);
      if (frame) frames.set(id, visibility.encode(frame));
      // Joining the group: it now has what the group has (the whole room, as of this tick).
      if (whole?.(id)) {
        this.#views.delete(id);
        this.#seeAll.add(id);
      }
    }
  }

  /** The room as plain data (MessagePack- and JSON-safe). */
  snapshot(): RoomSnapshot {
    const entities: [string, Record<string, unknown>][] = [];
    for (const [id, v] of this.#state.entities) entities.push([id, copyValues(v as Record<string, unknown>)]);
    return {
      format: ROOM_SNAPSHOT_FORMAT,
      game: this.game.name,
      gameVersion: this.game.version,
      roomId: this.roomId,
      tick: this.#tick,
      lastEventSeq: this.#events.lastSeq,
      random: this.#random.state,
      players: this.#players.map((id) => ({ id, lastSeq: this.#lastSeq.get(id) ?? 0 })),
      state: { room: copyValues(this.#state.room as Record<string, unknown>), entities },
      closed: this.#closed,
    };
  }

  #apply(input: RoomInput, ctx: RulesContext, result: RoomStepResult): void {
    const { playerId, seq } = input;
    if (input.kind === 'mute') {
      // A moderation input: no answer of its own; the player learns it from its next refused command.
      if (input.untilMs > ctx.nowMs) this.#mutedUntil.set(playerId, input.untilMs);
      else this.#mutedUntil.delete(playerId);
      return;
    }
    const joined = this.#lastSeq.has(playerId);
    if (input.kind === 'join') {
      if (joined) return rejectInput(result, playerId, seq, RejectReason.AlreadyJoined);
      if (this.#players.length >= this.game.players.max)
        return rejectInput(result, playerId, seq, RejectReason.ZoneFull);
      const d = this.#run('join', playerId, ctx, undefined);
      if (!d.accepted) return rejectInput(result, playerId, seq, d.reason);
      this.#players.push(playerId);
      this.#membershipChanged();
      this.#lastSeq.set(playerId, seq);
      result.acks.push({ playerId, seq });
      return;
    }
    if (!joined) return rejectInput(result, playerId, seq, RejectReason.NotJoined);
    if (input.kind === 'leave') {
      // A leave cannot be refused: a failing leave handler only loses the game's own clean-up.
      this.#run('leave', playerId, ctx, undefined);
      this.#state.entities.delete(playerId);
      this.#changed = true;
      this.#players.splice(this.#players.indexOf(playerId), 1);
      this.#views.delete(playerId);
      this.#seeAll.delete(playerId);
      this.#membershipChanged();
      this.#lastSeq.delete(playerId);
      result.acks.push({ playerId, seq });
      return;
    }
    if (!Number.isSafeInteger(seq) || seq <= this.#lastSeq.get(playerId)!)
      return rejectInput(result, playerId, seq, RejectReason.StaleSeq);
    const muted = this.mutedUntil(playerId);
    if (muted !== undefined) {
      this.#lastSeq.set(playerId, seq);
      return rejectInput(
        result,
        playerId,
        seq,
        RejectReason.PlayerMuted,
        `muted by a moderator until ${new Date(muted).toISOString()}`,
      );
    }
    const decoded = decodeCommand(this.game, input.command);
    if (!decoded.ok) return rejectInput(result, playerId, seq, decoded.reason, decoded.message);
    const d = this.#run('command', playerId, ctx, decoded.command);
    // Any answer uses the seq up, so a resent command is stale rather than applied twice.
    this.#lastSeq.set(playerId, seq);
    if (!d.accepted) return rejectInput(result, playerId, seq, d.reason);
    result.acks.push({ playerId, seq });
  }

  /**
   * Runs a handler on a draft of the state; keeps the draft and the events it emitted only when it
   * accepted, returned in budget and left the state valid. Any failure is logged, counted, and
   * answered with `GAME_RULES_ERROR`; too many in a row close the room.
   */
  #run(hook: Hook, playerId: string, ctx: RulesContext, command: unknown): Decision {
    const draft = (this.#draft = draftOf(this.#state, this.#draft));
    const randomBefore = this.#random.state;
    const eventsBefore = this.#pending.length;
    const started = this.#budget.start();
    let decision: Decision | void = undefined;
    let problem: string | undefined;
    let cause: unknown;
    try {
      decision = callHandler(this.game, hook, draft.state, playerId, command, ctx);
    } catch (error) {
      problem = 'threw';
      cause = error;
    }
    problem ??= this.#budget.overrun(started, ctx.ticks);
    problem ??= draft.problem(this.game) ?? eventProblem(this.game, this.#pending, eventsBefore);
    if (
      problem === undefined &&
      decision &&
      !decision.accepted &&
      !Object.hasOwn(this.game.reasons, decision.reason)
    )
      problem = `rejected with undeclared reason ${String(decision.reason).slice(0, 64)}`;
    if (problem !== undefined) {
      this.#random.state = randomBefore;
      this.#pending.length = eventsBefore;
      this.#failed(hook, playerId, ctx.tick, problem, cause);
      return { accepted: false, reason: RejectReason.RulesError };
    }
    this.#failures = 0;
    if (decision && !decision.accepted) {
      this.#pending.length = eventsBefore;
      if (decision.keep) this.#keep(draft);
      else this.#random.state = randomBefore;
      return decision;
    }
    this.#keep(draft);
    return decision ?? { accepted: true };
  }

  #keep(draft: Draft): void {
    draft.keep(this.#state);
    this.#changed = true;
  }

  #failed(hook: string, playerId: string, tick: number, problem: string, cause: unknown): void {
    this.#failures++;
    this.#logger.warn(
      { hook, playerId: playerId || undefined, tick, err: cause, failures: this.#failures },
      `game handler ${hook} ${problem}`,
    );
    if (this.#failures < this.#maxFailures || this.#closed) return;
    const message = `room closed: ${this.game.name} handlers failed ${this.#failures} times in a row`;
    this.#closed = { code: RejectReason.RulesError, message };
    this.#logger.error({ tick }, message);
    this.#pending.push({
      definition: RoomClosed,
      subject: this.roomId,
      data: { roomId: this.roomId, game: this.game.name, tick, code: RejectReason.RulesError, message },
    });
  }

  #membershipChanged(): void {
    this.#playersView = Object.freeze(this.#players.slice());
  }

  /** Records a handler's event: one function for every context the room makes (see #context). */
  readonly #emit: RulesContext['emit'] = (definition, data, subject = '') => {
    this.#pending.push({ definition, data, subject });
  };

  /** The one context object the room's handlers are given, rewritten for each call (see #context). */
  #ctx: WritableContext | undefined;

  /**
   * A handler's context: one plain object for the room, every field written again for each call
   * (a handler that changed one changes nothing for the next), its one function the room's. Made
   * for each call, contexts were the largest allocation of a busy arena room's commands after the
   * draft. Handlers run one at a time and keep nothing between calls; they cannot change
   * membership, so the players as of the call are the players throughout it.
   */
  #context(tick: number, seq: number, ticks = 1): RulesContext {
    const ctx = (this.#ctx ??= {} as WritableContext);
    ctx.roomId = this.roomId;
    ctx.tick = tick;
    ctx.ticks = ticks;
    ctx.elapsedMs = ticks * this.#tickMs;
    ctx.seq = seq;
    ctx.nowMs = this.#nowMs;
    ctx.tickMs = this.#tickMs;
    ctx.players = this.#playersView;
    ctx.random = this.#random;
    ctx.emit = this.#emit;
    return ctx;
  }
}
