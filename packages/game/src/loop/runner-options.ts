/** @module Options of a {@link ZoneRunner}, with their defaults in one place. */
import {
  silentLogger,
  systemClock,
  type Clock,
  type EventEnvelope,
  type Logger,
  type Registry,
} from '@tickline/kernel';
import type { Zone } from '../zone/zone.ts';
import { systemScheduler, type Scheduler } from './scheduler.ts';

/** Where zone events go. The eventlog `Publisher` fits: `publish` returns at once and never throws. */
export interface EventSink {
  publish(event: EventEnvelope): void;
}

/** Options for {@link ZoneRunner}. */
export interface ZoneRunnerOptions {
  /** The zone to run (its options carry the tick rate and broadcast interval). */
  zone: Zone;
  /** Zone events, fire-and-forget. */
  events: EventSink;
  metrics: Registry;
  /** @default silentLogger */
  logger?: Logger;
  /** Drives the schedule (monotonic) and stamps tick info (now). @default systemClock */
  clock?: Clock;
  /** @default systemScheduler */
  scheduler?: Scheduler;
  /** Minimum time between two overrun warnings in the log. @default 10_000 */
  overrunLogIntervalMs?: number;
  /**
   * Whether this process may still write to the zone (its ownership lease, see game-host.ts): no
   * tick runs — so no event and no snapshot is written — while it says no. @default always
   */
  leased?: () => boolean;
}

export type ResolvedZoneRunnerOptions = Required<ZoneRunnerOptions> & { periodMs: number };

/** Fills in defaults. */
export function resolveZoneRunnerOptions(options: ZoneRunnerOptions): ResolvedZoneRunnerOptions {
  return {
    zone: options.zone,
    events: options.events,
    metrics: options.metrics,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    scheduler: options.scheduler ?? systemScheduler,
    overrunLogIntervalMs: options.overrunLogIntervalMs ?? 10_000,
    leased: options.leased ?? (() => true),
    periodMs: 1000 / options.zone.options.tickRateHz,
  };
}
