/**
 * @module Live game figures for the admin dashboard on `admin:game`: once per interval, while an
 * admin watches (the channel rule allows `admin:**` to admins only), per zone CCU, tick p50/p99 and
 * where this beat's ticks fell in the histogram, commands and rejects by reason per second, snapshot
 * age and the last recovery; bytes out per second per transport. The counters are read from the
 * metrics registry the runners and sessions already feed, so the feed and `/metrics` never disagree.
 */
import { createBeatService, uuidv7, type ChannelSink, type Registry, type Service } from '@tickline/kernel';
import type { ZoneRunner } from '../loop/zone-runner.ts';

/** The channel and its event type. */
export const AdminGameChannel = { channel: 'admin:game', type: 'admin.game' } as const;

/** How often the feed publishes while watched. */
export const DEFAULT_ADMIN_GAME_FEED_INTERVAL_MS = 1_000;

/** Upper bounds (ms) of the tick-duration summary; the last bucket is everything above the budget. */
const TICK_SUMMARY_MS = [1, 5, 25, 50] as const;

/** What the feed needs of the game component (its runners and recovery reports). */
export interface GameFeedSource {
  runners: ReadonlyArray<Pick<ZoneRunner, 'stats'>>;
  recoveries(): ReadonlyMap<string, { source: string; durationMs: number }>;
}

/** One zone's figures in an `admin.game` event. */
export interface ZoneGameFigures {
  zoneId: string;
  ccu: number;
  tick: number;
  tickP50Ms: number;
  tickP99Ms: number;
  tickMaxMs: number;
  overruns: number;
  /** Ticks of the last beat by duration: `le1ms`, `le5ms`, `le25ms`, `le50ms`, `over50ms`. */
  tickBuckets: Record<string, number>;
  commandsPerSecond: number;
  acceptedPerSecond: number;
  rejectsPerSecond: Record<string, number>;
  snapshotAgeSeconds: { hot: number | null; cold: number | null };
  recovery: { source: string; ms: number } | null;
}

/** The `data` of an `admin.game` event. */
export interface AdminGameFigures {
  zones: ZoneGameFigures[];
  bytesOutPerSecond: Record<string, number>;
}

/** Options for {@link createAdminGameFeed}. */
export interface AdminGameFeedOptions {
  hub: ChannelSink;
  /** The running zones (read on each beat). */
  game: GameFeedSource;
  metrics: Registry;
  /** @default 1_000 */
  intervalMs?: number;
  /** Monotonic ms clock. @default performance.now */
  now?: () => number;
}

type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  return metric ? ((await metric.get()).values as Sample[]) : [];
}

const key = (parts: ReadonlyArray<string | number | undefined>) => parts.join('\u0000');

/** Reads figures between beats: rates are the counters' increase since the previous read. */
export interface GameFiguresReader {
  /** The figures, or undefined on the first read after a reset (it only takes the baseline). */
  read(): Promise<AdminGameFigures | undefined>;
  /** Forgets the baseline (nobody watched: a rate over the gap would mean nothing). */
  reset(): void;
}

/** Reads the counters and turns differences between beats into rates. */
export function createGameFiguresReader(
  options: Omit<AdminGameFeedOptions, 'hub' | 'intervalMs'>,
): GameFiguresReader {
  const now = options.now ?? (() => performance.now());
  let previous = new Map<string, number>();
  let previousAt: number | undefined;

  async function read(): Promise<AdminGameFigures | undefined> {
    const registry = options.metrics;
    const at = now();
    const seconds = previousAt === undefined ? 0 : Math.max(0.001, (at - previousAt) / 1000);
    const current = new Map<string, number>();
    /** Increase since the last beat per second (0 on the first beat: no baseline yet). */
    const rate = (k: string, value: number, perSecond = true) => {
      current.set(k, value);
      if (seconds === 0) return 0;
      // A series born since the last beat (a first reject of its reason) started from zero.
      const delta = Math.max(0, value - (previous.get(k) ?? 0));
      return perSecond ? delta / seconds : delta;
    };
    const [commands, buckets, ages, bytes] = await Promise.all([
      samples(registry, 'tickline_game_commands_total'),
      samples(registry, 'tickline_game_tick_duration_seconds'),
      samples(registry, 'tickline_game_snapshot_age_seconds'),
      samples(registry, 'tickline_game_bytes_out_total'),
    ]);
    const source = options.game;
    const recoveries = source.recoveries();
    const zones = source.runners.map((runner): ZoneGameFigures => {
      const s = runner.stats();
      let accepted = 0;
      const rejects: Record<string, number> = {};
      for (const c of commands) {
        if (c.labels.zone !== s.zoneId) continue;
        const r = rate(key(['cmd', s.zoneId, c.labels.outcome, c.labels.reason]), c.value);
        if (c.labels.outcome === 'accepted') accepted += r;
        else rejects[String(c.labels.reason)] = round(r);
      }
      const rejected = Object.values(rejects).reduce((a, b) => a + b, 0);
      const cumulative = (boundMs: number | '+Inf') => {
        const le = boundMs === '+Inf' ? '+Inf' : boundMs / 1000;
        const found = buckets.find(
          (b) => b.metricName?.endsWith('_bucket') && b.labels.zone === s.zoneId && b.labels.le === le,
        );
        return rate(key(['tick', s.zoneId, le]), found?.value ?? 0, false);
      };
      const tickBuckets: Record<string, number> = {};
      let below = 0;
      for (const bound of TICK_SUMMARY_MS) {
        const upTo = cumulative(bound);
        tickBuckets[`le${bound}ms`] = upTo - below;
        below = upTo;
      }
      tickBuckets[`over${TICK_SUMMARY_MS.at(-1)}ms`] = cumulative('+Inf') - below;
      const age = (kind: string) =>
        ages.find((a) => a.labels.zone === s.zoneId && a.labels.kind === kind)?.value ?? null;
      const recovery = recoveries.get(s.zoneId);
      return {
        zoneId: s.zoneId,
        ccu: s.players,
        tick: s.tick,
        tickP50Ms: round(s.tickP50Ms),
        tickP99Ms: round(s.tickP99Ms),
        tickMaxMs: round(s.tickMaxMs),
        overruns: s.overruns,
        tickBuckets,
        commandsPerSecond: round(accepted + rejected),
        acceptedPerSecond: round(accepted),
        rejectsPerSecond: rejects,
        snapshotAgeSeconds: { hot: age('hot'), cold: age('cold') },
        recovery: recovery ? { source: recovery.source, ms: round(recovery.durationMs) } : null,
      };
    });
    const bytesOutPerSecond: Record<string, number> = {};
    for (const b of bytes)
      bytesOutPerSecond[String(b.labels.transport)] = round(
        rate(key(['bytes', b.labels.transport]), b.value),
      );
    previous = current;
    const baseline = previousAt === undefined;
    previousAt = at;
    return baseline ? undefined : { zones, bytesOutPerSecond };
  }
  return {
    read,
    reset() {
      previous = new Map();
      previousAt = undefined;
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The feed as a service of the process; reads nothing while nobody watches. */
export function createAdminGameFeed(options: AdminGameFeedOptions): Service {
  const reader = createGameFiguresReader(options);
  return createBeatService({
    name: 'admin-game-feed',
    intervalMs: options.intervalMs ?? DEFAULT_ADMIN_GAME_FEED_INTERVAL_MS,
    async beat(logger) {
      const hub = options.hub;
      if (hub.subscriberCount(AdminGameChannel.channel) === 0) return reader.reset();
      try {
        const data = await reader.read();
        if (data) hub.publish(AdminGameChannel.channel, { id: uuidv7(), type: AdminGameChannel.type, data });
      } catch (error) {
        logger.warn({ err: error }, 'admin game feed failed');
      }
    },
  });
}
