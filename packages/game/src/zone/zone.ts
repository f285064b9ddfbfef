/**
 * @module The zone: players in memory, commands queued as they arrive and applied at the next
 * tick in arrival order. Each step returns acks, rejections and domain events; the zone never
 * awaits, reads wall time or does I/O (event timestamps come from the injected clock).
 */
import { createEventSource, type EventEnvelope, type EventSource } from '@tickline/kernel';
import type { JoinCommand, LeaveCommand, MoveCommand, ZoneCommand } from './commands.ts';
import { RejectReason, type GameRejectReason } from './errors.ts';
import { PlayerJoined, PlayerLeft, PlayerMoved } from './events.ts';
import { InterestTracker, type ViewDelta, type ViewGroup } from './interest.ts';
import { PlayerTable } from './player-table.ts';
import { finiteOrNull, nullToNever, ZONE_SNAPSHOT_FORMAT, type ZoneSnapshot } from './snapshot.ts';
import { SpatialGrid } from './spatial-grid.ts';
import { isWellFormedMove, validateMove } from './validate-move.ts';
import { resolveZoneOptions, type ResolvedZoneOptions, type ZoneOptions } from './zone-config.ts';

/** The last command applied for a player this tick, with its authoritative position. */
export interface Ack {
  playerId: string;
  /** The player's slot (its handle on the wire); after a leave, the slot it had. */
  slot: number;
  seq: number;
  x: number;
  y: number;
}

/** A refused command: why, and where the player really is. */
export interface Rejection extends Ack {
  reason: GameRejectReason;
}

/**
 * One step's output. Arrays are reused by the next step: consume or copy before stepping again.
 * `events` are built when first read (after the tick's frames went out, in the runner): the step
 * itself only records each fact in reused arrays, so a thousand moves create no objects in it.
 */
export interface TickResult {
  tick: number;
  acks: Ack[];
  rejections: Rejection[];
  readonly events: EventEnvelope[];
  /** True on ticks where interest deltas should be sent (every `broadcastEveryTicks`). */
  broadcastDue: boolean;
}

const FactKind = { Joined: 0, Moved: 1, Left: 2 } as const;
type FactKind = (typeof FactKind)[keyof typeof FactKind];

/** The facts of one step, in order, as parallel arrays reused step after step. */
class TickFacts {
  length = 0;
  /** The tick the facts happened at. */
  tick = 0;
  readonly kind: FactKind[] = [];
  readonly playerId: string[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly seq: number[] = [];
  readonly reason: string[] = [];

  add(kind: FactKind, playerId: string, x: number, y: number, seq: number, reason: string): void {
    const i = this.length++;
    this.kind[i] = kind;
    this.playerId[i] = playerId;
    this.x[i] = x;
    this.y[i] = y;
    this.seq[i] = seq;
    this.reason[i] = reason;
  }
}

/** A {@link TickResult} whose events are created from the step's facts on first read. */
class StepResult implements TickResult {
  tick = 0;
  acks: Ack[] = [];
  rejections: Rejection[] = [];
  broadcastDue = false;
  #events: EventEnvelope[] | undefined = [];
  readonly #build: () => EventEnvelope[];

  constructor(build: () => EventEnvelope[]) {
    this.#build = build;
  }

  get events(): EventEnvelope[] {
    return (this.#events ??= this.#build());
  }

  /** A new step: the previous events (if never read) are built now, in order, before the new facts. */
  reset(tick: number): void {
    if (this.#events === undefined) this.#build();
    this.#events = undefined;
    this.tick = tick;
    this.acks.length = 0;
    this.rejections.length = 0;
  }
}

/** A server-authoritative zone. */
export class Zone {
  readonly options: ResolvedZoneOptions;
  readonly players: PlayerTable;
  readonly #grid: SpatialGrid;
  readonly #interest: InterestTracker;
  readonly #events: EventSource;
  readonly #ackPool: Ack[];
  readonly #ackedAt: Float64Array;
  #queue: ZoneCommand[] = [];
  #spare: ZoneCommand[] = [];
  #tick = 0;
  readonly #facts = new TickFacts();
  readonly #result = new StepResult(() => this.#createEvents());

  constructor(options: ZoneOptions) {
    const o = (this.options = resolveZoneOptions(options));
    this.players = new PlayerTable(o.maxPlayers, o.handleGraceTicks);
    this.#grid = new SpatialGrid(o.map.width, o.map.height, o.viewRadius, o.maxPlayers);
    this.#interest = new InterestTracker(this.players, this.#grid, o.viewRadius);
    this.#events = createEventSource({ source: `zone/${o.zoneId}`, clock: o.clock, lastSeq: o.lastEventSeq });
    this.#ackPool = Array.from({ length: o.maxPlayers }, (_, slot) => ({
      playerId: '',
      slot,
      seq: 0,
      x: 0,
      y: 0,
    }));
    this.#ackedAt = new Float64Array(o.maxPlayers).fill(-1);
  }

  /** Rebuilds a zone from a snapshot (same rules as `options`). */
  static restore(snapshot: ZoneSnapshot, options: ZoneOptions): Zone {
    if (snapshot.format !== ZONE_SNAPSHOT_FORMAT)
      throw new RangeError(`unsupported zone snapshot format ${String(snapshot.format)}`);
    const zone = new Zone({ ...options, zoneId: snapshot.zoneId, lastEventSeq: snapshot.lastEventSeq });
    zone.#tick = snapshot.tick;
    const t = zone.players;
    for (const p of snapshot.players) {
      const slot = t.add(p.id);
      if (slot < 0) throw new RangeError('snapshot holds more players than maxPlayers');
      t.x[slot] = p.x;
      t.y[slot] = p.y;
      t.lastSeq[slot] = p.lastSeq;
      t.lastClientTick[slot] = nullToNever(p.lastClientTick);
      t.lastMoveTick[slot] = nullToNever(p.lastMoveTick);
      t.rateWindow[slot] = nullToNever(p.rateWindow);
      t.rateCount[slot] = p.rateCount;
      t.changedTick[slot] = snapshot.tick;
      zone.#grid.place(slot, p.x, p.y);
    }
    return zone;
  }

  /** The last completed tick. */
  get tick(): number {
    return this.#tick;
  }

  /** Players in the zone. */
  get size(): number {
    return this.players.size;
  }

  /** Commands waiting for the next tick. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a command for the next tick (arrival order is application order). */
  enqueue(command: ZoneCommand): void {
    this.#queue.push(command);
  }

  /** A player's authoritative state, or undefined. */
  player(playerId: string): { x: number; y: number; lastSeq: number } | undefined {
    const slot = this.players.slotOf(playerId);
    if (slot === undefined) return undefined;
    return { x: this.players.x[slot]!, y: this.players.y[slot]!, lastSeq: this.players.lastSeq[slot]! };
  }

  /**
   * Advances the simulation. `elapsedTicks` > 1 lets a loop that fell behind skip ahead in one
   * step instead of replaying empty ticks; the queued commands are applied once.
   * @default elapsedTicks 1
   */
  step(elapsedTicks = 1): TickResult {
    const tick = (this.#tick += elapsedTicks);
    const r = this.#result;
    r.reset(tick);
    this.#facts.tick = tick;
    r.broadcastDue = tick % this.options.broadcastEveryTicks === 0;
    const queue = this.#queue;
    this.#queue = this.#spare;
    for (let i = 0; i < queue.length; i++) this.#apply(queue[i]!, tick);
    queue.length = 0;
    this.#spare = queue;
    return r;
  }

  /**
   * The ids of the players `playerId` saw at the last broadcast, so a client that reconnected can be
   * sent its whole view again; later deltas continue from exactly this set.
   */
  visibleTo(playerId: string): string[] {
    const slot = this.players.slotOf(playerId);
    if (slot === undefined) return [];
    const ids: string[] = [];
    for (const other of this.#interest.visibleTo(slot)) ids.push(this.players.ids[other]!);
    return ids;
  }

  /** Calls `visit` with each viewer's own interest delta since the previous broadcast. */
  broadcast(visit: (viewerId: string, delta: ViewDelta, viewerSlot: number) => void): void {
    const own = { entered: [] as number[], moved: [] as number[], left: [] as string[] };
    this.broadcastShared((viewerId, delta, group, slot) => {
      if (!group) return visit(viewerId, delta, slot);
      own.moved.length = 0;
      for (const o of delta.moved) if (o !== slot) own.moved.push(o);
      visit(viewerId, { entered: delta.entered, moved: own.moved, left: delta.left }, slot);
    });
  }

  /**
   * Like {@link broadcast}, but viewers that see the same players get the same {@link ViewGroup}
   * (`delta` is `group.delta` and may list the viewer itself in `moved`), so a delta can be encoded
   * once and its bytes sent to all of them.
   */
  broadcastShared(
    visit: (viewerId: string, delta: ViewDelta, group: ViewGroup | undefined, viewerSlot: number) => void,
  ): void {
    const ids = this.players.ids;
    this.#interest.broadcast(this.#tick, (slot, delta, group) => visit(ids[slot]!, delta, group, slot));
  }

  /** The envelopes of the last step's facts, in order (the event source numbers them now). */
  #createEvents(): EventEnvelope[] {
    const f = this.#facts;
    const zoneId = this.options.zoneId;
    const tick = f.tick;
    const events: EventEnvelope[] = [];
    for (let i = 0; i < f.length; i++) {
      const playerId = f.playerId[i]!;
      const x = f.x[i]!;
      const y = f.y[i]!;
      const meta = { subject: playerId, partitionkey: zoneId };
      const kind = f.kind[i];
      if (kind === FactKind.Moved)
        events.push(
          this.#events.create(PlayerMoved, {
            ...meta,
            data: { zoneId, playerId, x, y, tick, seq: f.seq[i]! },
          }),
        );
      else if (kind === FactKind.Joined)
        events.push(this.#events.create(PlayerJoined, { ...meta, data: { zoneId, playerId, x, y, tick } }));
      else
        events.push(
          this.#events.create(PlayerLeft, {
            ...meta,
            data: { zoneId, playerId, x, y, tick, reason: f.reason[i]! },
          }),
        );
    }
    f.length = 0;
    return events;
  }

  /** The zone's state as plain data. `lastLogPosition` is for the snapshotter to fill. */
  snapshot(lastLogPosition: string | null = null): ZoneSnapshot {
    // Events of the last step not read yet take their seqs first, so the snapshot counts them.
    void this.#result.events;
    const t = this.players;
    const players: ZoneSnapshot['players'] = [];
    for (let s = 0; s < t.highWater; s++) {
      const id = t.ids[s];
      if (id === undefined) continue;
      players.push({
        id,
        x: t.x[s]!,
        y: t.y[s]!,
        lastSeq: t.lastSeq[s]!,
        lastClientTick: finiteOrNull(t.lastClientTick[s]!),
        lastMoveTick: finiteOrNull(t.lastMoveTick[s]!),
        rateWindow: finiteOrNull(t.rateWindow[s]!),
        rateCount: t.rateCount[s]!,
      });
    }
    return {
      format: ZONE_SNAPSHOT_FORMAT,
      zoneId: this.options.zoneId,
      tick: this.#tick,
      lastLogPosition,
      lastEventSeq: this.#events.lastSeq,
      players,
    };
  }

  #apply(cmd: ZoneCommand, tick: number): void {
    // The transport sets playerId from the session, so a command without one is a bug upstream.
    if (cmd === null || typeof cmd !== 'object' || typeof cmd.playerId !== 'string') return;
    if (cmd.kind === 'move') this.#move(cmd, tick);
    else if (cmd.kind === 'join') this.#join(cmd, tick);
    else if (cmd.kind === 'leave') this.#leave(cmd, tick);
    else this.#rejectUnknown(cmd, RejectReason.Malformed);
  }

  #move(cmd: MoveCommand, tick: number): void {
    const t = this.players;
    const slot = t.slotOf(cmd.playerId);
    if (slot === undefined) return this.#rejectUnknown(cmd, RejectReason.NotJoined);
    if (!isWellFormedMove(cmd)) return this.#reject(slot, cmd.seq, RejectReason.Malformed);
    const reason = validateMove(t, slot, cmd, tick, this.options);
    if (reason !== undefined) return this.#reject(slot, cmd.seq, reason);
    t.x[slot] = cmd.x;
    t.y[slot] = cmd.y;
    t.lastMoveTick[slot] = cmd.tick;
    t.changedTick[slot] = tick;
    this.#grid.place(slot, cmd.x, cmd.y);
    this.#ack(slot, tick);
    if (this.options.emitMoveEvents) this.#facts.add(FactKind.Moved, cmd.playerId, cmd.x, cmd.y, cmd.seq, '');
  }

  #join(cmd: JoinCommand, tick: number): void {
    const t = this.players;
    const existing = t.slotOf(cmd.playerId);
    if (existing !== undefined) return this.#reject(existing, cmd.seq, RejectReason.AlreadyJoined);
    const x = cmd.x ?? this.options.spawn.x;
    const y = cmd.y ?? this.options.spawn.y;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isSafeInteger(cmd.seq))
      return this.#rejectUnknown(cmd, RejectReason.Malformed);
    if (!this.options.map.inBounds(x, y)) return this.#rejectUnknown(cmd, RejectReason.OutOfBounds);
    if (this.options.map.pointBlocked(x, y)) return this.#rejectUnknown(cmd, RejectReason.Blocked);
    const slot = t.add(cmd.playerId, tick);
    if (slot < 0) return this.#rejectUnknown(cmd, RejectReason.ZoneFull);
    t.x[slot] = x;
    t.y[slot] = y;
    t.lastSeq[slot] = cmd.seq;
    t.changedTick[slot] = tick;
    this.#grid.place(slot, x, y);
    this.#ack(slot, tick);
    this.#facts.add(FactKind.Joined, cmd.playerId, x, y, cmd.seq, '');
  }

  #leave(cmd: LeaveCommand, tick: number): void {
    const t = this.players;
    const slot = t.slotOf(cmd.playerId);
    if (slot === undefined) return this.#rejectUnknown(cmd, RejectReason.NotJoined);
    const x = t.x[slot]!;
    const y = t.y[slot]!;
    this.#result.acks.push({ playerId: cmd.playerId, slot, seq: cmd.seq, x, y });
    this.#grid.remove(slot);
    this.#interest.removed(slot, cmd.playerId);
    t.remove(slot, tick);
    this.#ackedAt[slot] = -1;
    this.#facts.add(FactKind.Left, cmd.playerId, x, y, cmd.seq, cmd.reason ?? 'left');
  }

  /** One ack per player per tick, carrying the last processed seq and the position after it. */
  #ack(slot: number, tick: number): void {
    const a = this.#ackPool[slot]!;
    a.playerId = this.players.ids[slot]!;
    a.seq = this.players.lastSeq[slot]!;
    a.x = this.players.x[slot]!;
    a.y = this.players.y[slot]!;
    if (this.#ackedAt[slot] !== tick) {
      this.#ackedAt[slot] = tick;
      this.#result.acks.push(a);
    }
  }

  #reject(slot: number, seq: number, reason: GameRejectReason): void {
    const t = this.players;
    this.#result.rejections.push({ playerId: t.ids[slot]!, slot, seq, reason, x: t.x[slot]!, y: t.y[slot]! });
  }

  #rejectUnknown(cmd: { playerId: unknown; seq: unknown }, reason: GameRejectReason): void {
    const { x, y } = this.options.spawn;
    this.#result.rejections.push({
      playerId: String(cmd.playerId),
      slot: -1,
      seq: Number(cmd.seq),
      reason,
      x,
      y,
    });
  }
}
