/**
 * @module Zone recovery on start: the hot snapshot, else the cold snapshot, else an empty zone;
 * then the zone's events after the snapshot's log position are replayed on top (idempotent by
 * seq), so the zone comes back as the log knows it — or further, when the snapshot holds moves
 * whose events the crash kept from reaching the log. A source that is missing, down or corrupt
 * falls through to the next; the attempts are reported.
 */
import { silentLogger, type Logger, type Registry } from '@tickline/kernel';
import { GameSnapshotError } from '../snapshots/snapshot-errors.ts';
import type { SnapshotStore } from '../snapshots/snapshot-store.ts';
import { decodeZoneSnapshot, infoOf, type SnapshotInfo } from '../snapshots/stored-snapshot.ts';
import type { ZoneSnapshot } from '../zone/snapshot.ts';
import { Zone } from '../zone/zone.ts';
import type { ZoneOptions } from '../zone/zone-config.ts';
import { recoveryHistogram } from './recovery-metrics.ts';
import { replayZoneEvents, type ReplayLogResult } from './replay-log.ts';
import { ReplayState } from './replay-state.ts';
import { parseLogPosition, replayPlan, singleZoneLog, type ZoneLog, type ZoneLogs } from './zone-logs.ts';

/** Two replays' counts together; the position is the later one's (the zone's current log). */
function addReplays(a: ReplayLogResult, b: ReplayLogResult): ReplayLogResult {
  return {
    scanned: a.scanned + b.scanned,
    applied: a.applied + b.applied,
    undecodable: a.undecodable + b.undecodable,
    lastOffset: b.lastOffset,
  };
}

/** Where a recovered zone's state came from. */
export const RecoverySource = { Hot: 'hot', Cold: 'cold', Replay: 'replay' } as const;
export type RecoverySource = (typeof RecoverySource)[keyof typeof RecoverySource];

/** Options for {@link recoverZone}. */
export interface RecoverZoneOptions {
  /** The zone's rules (as for `new Zone`); the state comes from recovery. */
  zone: Omit<ZoneOptions, 'lastEventSeq'>;
  hot?: SnapshotStore;
  cold?: SnapshotStore;
  /** The log the zone's events were published to (one log for every zone). Without it or `logs`, no replay. */
  log?: ZoneLog;
  /** Where zones' events are when the game log is partitioned; wins over `log`. */
  logs?: ZoneLogs;
  metrics: Registry;
  /** @default silentLogger */
  logger?: Logger;
  /** @default 4_096 */
  replayBatch?: number;
}

/** A source that was tried and passed over. */
export interface RecoveryAttempt {
  source: RecoverySource;
  outcome: 'missing' | 'failed';
  error?: unknown;
}

/** The recovered zone and how it was obtained. */
export interface RecoveryResult {
  zone: Zone;
  source: RecoverySource;
  /** The snapshot the state started from (hot or cold). */
  snapshot?: SnapshotInfo;
  /** Events replayed after it, or undefined when the log could not be read (state = snapshot). */
  replay?: ReplayLogResult;
  /** Seq jumps in the replayed events (events that never reached the log). */
  gaps: number;
  attempts: RecoveryAttempt[];
  durationMs: number;
}

/**
 * Rebuilds a zone. Throws only when there is no snapshot AND the log cannot be read: starting
 * empty then would reuse seqs of events already in the log.
 * @example
 * const { zone, source, durationMs } = await recoverZone({ zone: { zoneId, clock }, hot, cold, log, metrics });
 */
export async function recoverZone(options: RecoverZoneOptions): Promise<RecoveryResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const zoneId = options.zone.zoneId;
  const attempts: RecoveryAttempt[] = [];
  let base: { snapshot: SnapshotInfo; state: ZoneSnapshot; source: RecoverySource } | undefined;
  for (const [source, store] of [
    [RecoverySource.Hot, options.hot],
    [RecoverySource.Cold, options.cold],
  ] as const) {
    if (!store || base) continue;
    try {
      const stored = await store.latest(zoneId);
      if (!stored) attempts.push({ source, outcome: 'missing' });
      else base = { snapshot: infoOf(stored), state: decodeZoneSnapshot(stored.bytes), source };
    } catch (error) {
      attempts.push({ source, outcome: 'failed', error });
      logger.warn(
        { err: error, zone: zoneId, source },
        'zone recovery: snapshot source failed, trying the next',
      );
    }
  }
  const state = new ReplayState(zoneId, base?.state);
  let replay: ReplayLogResult | undefined;
  const logs = options.logs ?? (options.log ? singleZoneLog(options.log) : undefined);
  if (logs) {
    try {
      const from = base && parseLogPosition(base.state.lastLogPosition, base.snapshot.logPosition);
      for (const step of await replayPlan(logs, zoneId, from)) {
        const result = await replayZoneEvents(step.log, state, step.after, options.replayBatch);
        replay = replay ? addReplays(replay, result) : result;
      }
    } catch (error) {
      if (!base)
        throw new GameSnapshotError(
          'GAME_SNAPSHOT_STORE_UNAVAILABLE',
          `zone ${zoneId} has no snapshot and its event log cannot be read`,
          { cause: error, details: { zoneId } },
        );
      attempts.push({ source: RecoverySource.Replay, outcome: 'failed', error });
      logger.warn(
        { err: error, zone: zoneId },
        'zone recovery: log unreadable, starting from the snapshot alone',
      );
    }
  }
  const zone = Zone.restore(state.toSnapshot(), options.zone);
  const source = base?.source ?? RecoverySource.Replay;
  const durationMs = performance.now() - started;
  recoveryHistogram(options.metrics)
    .labels({ source })
    .observe(durationMs / 1000);
  logger.info(
    { zone: zoneId, source, durationMs, replayed: replay?.applied, tick: zone.tick, players: zone.size },
    'zone recovered',
  );
  return {
    zone,
    source,
    ...(base && { snapshot: base.snapshot }),
    ...(replay && { replay }),
    gaps: state.gaps,
    attempts,
    durationMs,
  };
}
