/**
 * @module The zone loop: steps a {@link Zone} on a fixed tick scheduled by absolute time (so timer
 * jitter never accumulates into drift), hands the tick's events to the publisher without waiting,
 * then calls the tick listeners (the session layer sends acks and deltas from there). A late loop
 * catches up in ONE step of several ticks: the zone tick stays aligned with wall time, which is
 * what clients stamp their commands with.
 */
import type { Logger } from '@tickline/kernel';
import type { ZoneCommand } from '../zone/commands.ts';
import type { Zone } from '../zone/zone.ts';
import { DurationWindow } from './duration-window.ts';
import {
  resolveZoneRunnerOptions,
  type ResolvedZoneRunnerOptions,
  type ZoneRunnerOptions,
} from './runner-options.ts';
import { createTickMetrics, type TickMetrics } from './tick-metrics.ts';
import { TickSchedule } from './tick-schedule.ts';
import type { DrainOptions, TickInfo, TickListener, ZoneHost } from './zone-host.ts';

/** The connected clients of a zone, as the runner sees them (the session layer implements it). */
export interface ZoneClients {
  notice(level: 'info' | 'warn', text: string): void;
  drain(options: DrainOptions): void;
  /** The zone was swapped for a restored one: reconcile sessions with its players. */
  replaced?(): void;
}

/** Counters and recent tick durations of one runner. */
export interface ZoneRunnerStats {
  zoneId: string;
  tick: number;
  players: number;
  queued: number;
  paused: boolean;
  overruns: number;
  skippedTicks: number;
  /** Whole-tick time (step, publish and listeners) over the last minute of ticks, ms. */
  tickP50Ms: number;
  tickP99Ms: number;
  tickMaxMs: number;
}

/** Runs one zone. Create, `start()`, feed with `submit()`, `stop()`. */
export class ZoneRunner implements ZoneHost {
  readonly zoneId: string;
  readonly #o: ResolvedZoneRunnerOptions;
  readonly #logger: Logger;
  readonly #metrics: TickMetrics;
  readonly #durations = new DurationWindow();
  readonly #listeners: TickListener[] = [];
  #zone: Zone;
  readonly #schedule: TickSchedule;
  #clients: ZoneClients | undefined;
  #running = false;
  #paused = false;
  /** The zone's tick at the schedule's epoch: the zone is due `#epochTick + elapsed periods`. */
  #epochTick = 0;
  #lastEventSeq: number;
  #lastEventId: string | undefined;
  #overruns = 0;
  #skipped = 0;
  #lastOverrunLogMs = -Infinity;

  constructor(options: ZoneRunnerOptions) {
    this.#o = resolveZoneRunnerOptions(options);
    this.#zone = options.zone;
    this.zoneId = options.zone.options.zoneId;
    this.#logger = this.#o.logger;
    this.#metrics = createTickMetrics(this.#o.metrics, this.zoneId);
    this.#lastEventSeq = options.zone.options.lastEventSeq;
    this.#schedule = new TickSchedule({
      periodMs: this.#o.periodMs,
      clock: this.#o.clock,
      scheduler: this.#o.scheduler,
      onTimer: this.#onTimer,
    });
  }

  get zone(): Zone {
    return this.#zone;
  }
  get tick(): number {
    return this.#zone.tick;
  }
  get lastEventSeq(): number {
    return this.#lastEventSeq;
  }
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get playerCount(): number {
    return this.#zone.size;
  }
  get running(): boolean {
    return this.#running;
  }
  /** Whether the ownership lease lets this process write to the zone now. */
  get leased(): boolean {
    return this.#o.leased();
  }
  /** Milliseconds per tick. */
  get periodMs(): number {
    return this.#o.periodMs;
  }

  /** Starts ticking: the first tick is one period from now. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#resetEpoch();
    this.#scheduleNext();
  }

  /** Stops ticking (commands still queued stay in the zone). */
  stop(): void {
    this.#running = false;
    this.#schedule.disarm();
  }

  /** Queues a command for the next tick. Never blocks, never throws. */
  submit(command: ZoneCommand): void {
    this.#zone.enqueue(command);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#resetEpoch();
  }

  replaceZone(zone: Zone): void {
    if (zone.options.zoneId !== this.zoneId)
      throw new RangeError(`cannot replace zone ${this.zoneId} with ${zone.options.zoneId}`);
    this.#zone = zone;
    this.#lastEventSeq = zone.options.lastEventSeq;
    this.#resetEpoch();
    this.#clients?.replaced?.();
  }

  onTick(listener: TickListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  /** The session layer registers here, so notices and drains reach the clients. */
  attachClients(clients: ZoneClients): void {
    this.#clients = clients;
  }

  notice(level: 'info' | 'warn', text: string): void {
    this.#clients?.notice(level, text);
  }

  drain(options: DrainOptions): void {
    this.#clients?.drain(options);
  }

  stats(): ZoneRunnerStats {
    return {
      zoneId: this.zoneId,
      tick: this.#zone.tick,
      players: this.#zone.size,
      queued: this.#zone.queued,
      paused: this.#paused,
      overruns: this.#overruns,
      skippedTicks: this.#skipped,
      tickP50Ms: this.#durations.quantile(0.5),
      tickP99Ms: this.#durations.quantile(0.99),
      tickMaxMs: this.#durations.quantile(1),
    };
  }

  /**
   * Steps the zone if a tick is due by the clock; the timer calls it, and tests drive it with a
   * manual clock. Returns how many ticks the step covered (0 when none was due or paused).
   */
  runDue(): number {
    const target = this.#epochTick + this.#schedule.elapsed();
    const behind = target - this.#zone.tick;
    if (this.#paused || behind < 1 || !this.#o.leased()) return 0;
    if (behind > 1) this.#overrun(behind - 1);
    this.#step(behind);
    return behind;
  }

  #resetEpoch(): void {
    this.#schedule.reset();
    this.#epochTick = this.#zone.tick;
  }

  #scheduleNext(): void {
    if (this.#running) this.#schedule.armNext();
  }

  readonly #onTimer = (): void => {
    try {
      this.runDue();
    } finally {
      this.#scheduleNext();
    }
  };

  #step(ticks: number): void {
    const { clock, events } = this.#o;
    const zone = this.#zone;
    const started = clock.monotonic();
    const applied = zone.queued;
    const result = zone.step(ticks);
    const stepped = clock.monotonic();
    const m = this.#metrics;
    if (applied > result.rejections.length) m.accepted.inc(applied - result.rejections.length);
    for (const rejection of result.rejections) m.rejected(rejection.reason);
    m.players.set(zone.size);
    const info: TickInfo = {
      zoneId: this.zoneId,
      tick: result.tick,
      result,
      at: clock.now(),
      durationMs: stepped - started,
    };
    for (const listener of this.#listeners) {
      try {
        listener(info);
      } catch (error) {
        // A broken listener must not stop the zone: the tick already happened.
        this.#logger.error({ err: error, zone: this.zoneId, tick: result.tick }, 'tick listener failed');
      }
    }
    const totalMs = clock.monotonic() - started;
    this.#durations.add(totalMs);
    m.tickSeconds.observe(totalMs / 1000);
    // The tick's facts become events once its frames are out: one per join, accepted move and
    // leave, in order, still before the next tick.
    for (const event of result.events) {
      events.publish(event);
      this.#lastEventSeq = event.seq;
      this.#lastEventId = event.id;
    }
  }

  #overrun(skipped: number): void {
    this.#overruns++;
    this.#skipped += skipped;
    this.#metrics.overruns.inc();
    this.#metrics.skippedTicks.inc(skipped);
    const now = this.#o.clock.monotonic();
    if (now - this.#lastOverrunLogMs >= this.#o.overrunLogIntervalMs) {
      this.#lastOverrunLogMs = now;
      this.#logger.warn(
        { zone: this.zoneId, tick: this.#zone.tick, skipped, overruns: this.#overruns },
        'zone tick ran late: skipping ahead',
      );
    }
  }
}
