/**
 * @module The contract between a running zone and what plugs into it from outside the tick:
 * snapshots and recovery, admin operations, the session layer. Everything here is synchronous and
 * called on the event loop between ticks, so no caller ever sees a half-applied tick.
 */
import type { Zone, TickResult } from '../zone/zone.ts';

/** What a tick listener receives, right after the step (arrays are reused by the next tick). */
export interface TickInfo {
  zoneId: string;
  /** The zone's tick after this step. */
  tick: number;
  result: TickResult;
  /** Wall time of the step (from the runner's clock), milliseconds since the epoch. */
  at: number;
  /** Time the step and its publishing took, milliseconds. Listeners' own time is not included. */
  durationMs: number;
}

/** Called after each step, in registration order. Must not block: no awaits inside the tick. */
export type TickListener = (info: TickInfo) => void;

/** Why a zone stopped serving players: sent to every client before its connection closes. */
export interface DrainOptions {
  /** A notice shown to players first. */
  message: string;
  /** Close reason code clients receive. @default 'GAME_ZONE_DRAINING' */
  code?: string;
}

/**
 * A zone running on its ticker. The snapshotter reads `zone.snapshot()` inside an `onTick` listener
 * (or while paused), tags it with `lastEventSeq`, and restores with `pause()` → `replaceZone()` →
 * `resume()`.
 */
export interface ZoneHost {
  readonly zoneId: string;
  /** The live zone. Replaced by {@link ZoneHost.replaceZone}; do not keep a reference across ticks. */
  readonly zone: Zone;
  /** The last completed tick. */
  readonly tick: number;
  /**
   * The seq of the last `zone/<zoneId>` event handed to the publisher. A snapshot taken between
   * ticks covers exactly the events up to this seq (the zone's own `lastEventSeq`): recovery
   * replays the zone's events with a greater seq.
   */
  readonly lastEventSeq: number;
  /** The id of that event, or undefined before the first one. */
  readonly lastEventId: string | undefined;
  /** Whether ticks are suspended (commands keep queueing). */
  readonly paused: boolean;
  /** Players in the zone. */
  readonly playerCount: number;
  /** Suspends ticking after the current tick. Idempotent. */
  pause(): void;
  /** Resumes ticking on the absolute schedule from now (missed ticks are not replayed). */
  resume(): void;
  /**
   * Swaps in a restored zone (same zone id). Call while paused; commands queued in the old zone are
   * dropped. The session layer resynchronises connected clients on the next broadcast.
   */
  replaceZone(zone: Zone): void;
  /** Adds a listener called after every tick; returns its removal. */
  onTick(listener: TickListener): () => void;
  /** Sends a notice to every connected client of the zone. */
  notice(level: 'info' | 'warn', text: string): void;
  /** Tells every client, closes their connections (they may reconnect elsewhere) and refuses new ones. */
  drain(options: DrainOptions): void;
}
