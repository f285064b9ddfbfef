/**
 * @module Zone state rebuilt from events: `game.player.joined/moved/left` applied to the snapshot
 * format (so the result restores through `Zone.restore`). Idempotent by the zone's event seq:
 * an event at or below the last seq applied is skipped, so overlapping reads, duplicates and a
 * snapshot that already holds an event never apply it twice.
 */
import type { EventEnvelope } from '@tickline/kernel';
import { PlayerJoined, PlayerLeft, PlayerMoved } from '../zone/events.ts';
import { ZONE_SNAPSHOT_FORMAT, type PlayerSnapshot, type ZoneSnapshot } from '../zone/snapshot.ts';

type Position = { zoneId: string; playerId: string; x: number; y: number; tick: number };

/** The event source of a zone's events (as `Zone` creates them). */
export const zoneEventSource = (zoneId: string): string => `zone/${zoneId}`;

/** Players and counters being rebuilt. */
export class ReplayState {
  readonly zoneId: string;
  readonly #source: string;
  /** Insertion order stands in for slot order (only iteration order depends on it). */
  readonly #players = new Map<string, PlayerSnapshot>();
  #tick: number;
  #lastEventSeq: number;
  #gaps = 0;

  /** Starts from `base` (a decoded snapshot) or from an empty zone. */
  constructor(zoneId: string, base?: ZoneSnapshot) {
    this.zoneId = zoneId;
    this.#source = zoneEventSource(zoneId);
    this.#tick = base?.tick ?? 0;
    this.#lastEventSeq = base?.lastEventSeq ?? 0;
    for (const p of base?.players ?? []) this.#players.set(p.id, { ...p });
  }

  get lastEventSeq(): number {
    return this.#lastEventSeq;
  }

  get tick(): number {
    return this.#tick;
  }

  /** Seq jumps seen (events missing from the log, e.g. lost in a crash before they were appended). */
  get gaps(): number {
    return this.#gaps;
  }

  /** Applies one event of any source; returns whether it changed the state. */
  apply(event: EventEnvelope): boolean {
    if (event.source !== this.#source || event.seq <= this.#lastEventSeq) return false;
    const data = event.data as Position & { seq?: number };
    if (data?.zoneId !== this.zoneId) return false;
    if (event.type === PlayerJoined.type) this.#place(data, 0);
    else if (event.type === PlayerMoved.type) this.#place(data, data.seq ?? 0);
    else if (event.type === PlayerLeft.type) this.#players.delete(data.playerId);
    else return false;
    if (event.seq > this.#lastEventSeq + 1) this.#gaps++;
    this.#lastEventSeq = event.seq;
    if (data.tick > this.#tick) this.#tick = data.tick;
    return true;
  }

  /** The rebuilt state in the snapshot format. */
  toSnapshot(): ZoneSnapshot {
    return {
      format: ZONE_SNAPSHOT_FORMAT,
      zoneId: this.zoneId,
      tick: this.#tick,
      lastLogPosition: null,
      lastEventSeq: this.#lastEventSeq,
      players: [...this.#players.values()],
    };
  }

  /**
   * Events carry the authoritative position and the client seq, not the validation history
   * (client ticks, rate window): a player first seen in the replay starts with none, which only
   * makes its next move's speed budget the maximum one.
   */
  #place(data: Position, clientSeq: number): void {
    const p = this.#players.get(data.playerId);
    if (p) {
      p.x = data.x;
      p.y = data.y;
      p.lastSeq = Math.max(p.lastSeq, clientSeq);
      return;
    }
    this.#players.set(data.playerId, {
      id: data.playerId,
      x: data.x,
      y: data.y,
      lastSeq: clientSeq,
      lastClientTick: null,
      lastMoveTick: null,
      rateWindow: null,
      rateCount: 0,
    });
  }
}
