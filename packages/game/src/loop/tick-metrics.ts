/**
 * @module The zone loop's metrics: tick duration, players (CCU), commands by outcome, overruns.
 * Series are labelled by zone and shared between runners of one registry.
 */
import { Counter, Gauge, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';
import type { GameRejectReason } from '../zone/errors.ts';

// Sub-millisecond buckets: a healthy tick takes well under 1 ms; the budget at 20 Hz is 50 ms.
const TICK_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/** One zone's handles on the shared series. */
export interface TickMetrics {
  tickSeconds: { observe(value: number): void };
  players: { set(value: number): void };
  accepted: { inc(value?: number): void };
  rejected(reason: GameRejectReason): void;
  overruns: { inc(value?: number): void };
  skippedTicks: { inc(value?: number): void };
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]) {
  return getOrCreateMetric(
    registry,
    name,
    () => new Counter({ name, help, labelNames, registers: [registry] }),
  );
}

/** Creates (or reuses) the series and binds them to `zoneId`. */
export function createTickMetrics(registry: Registry, zoneId: string): TickMetrics {
  const zone = { zone: zoneId };
  const histogram = getOrCreateMetric(
    registry,
    'tickline_game_tick_duration_seconds',
    () =>
      new Histogram({
        name: 'tickline_game_tick_duration_seconds',
        help: 'Time one zone tick took: applying commands, building events, handing them to the publisher.',
        labelNames: ['zone'],
        buckets: TICK_BUCKETS,
        registers: [registry],
      }),
  );
  const players = getOrCreateMetric(
    registry,
    'tickline_game_players',
    () =>
      new Gauge({
        name: 'tickline_game_players',
        help: 'Players in the zone (CCU), including those inside their resume grace period.',
        labelNames: ['zone'],
        registers: [registry],
      }),
  );
  const commands = counter(
    registry,
    'tickline_game_commands_total',
    'Commands applied by the zone, by outcome.',
    ['zone', 'outcome', 'reason'],
  );
  const accepted = commands.labels({ ...zone, outcome: 'accepted', reason: '' });
  return {
    tickSeconds: histogram.labels(zone),
    players: players.labels(zone),
    accepted,
    rejected: (reason) => commands.labels({ ...zone, outcome: 'rejected', reason }).inc(),
    overruns: counter(
      registry,
      'tickline_game_tick_overruns_total',
      'Ticks that started a full period or more late (the loop then skips ahead in one step).',
      ['zone'],
    ).labels(zone),
    skippedTicks: counter(
      registry,
      'tickline_game_ticks_skipped_total',
      'Ticks folded into a later step because the loop was late.',
      ['zone'],
    ).labels(zone),
  };
}
