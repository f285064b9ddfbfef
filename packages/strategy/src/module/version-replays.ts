/**
 * @module Replays of a stored version for a caller waiting on the answer (a live run's parity
 * report), metered as backtests: each one is taken from its owner's backtests per day and counts
 * among their backtests at once while it runs, and an owner replays one at a time. A replay
 * refused is STRATEGY_QUOTA_BACKTESTS or STRATEGY_QUOTA_CONCURRENT, as a queued backtest's is.
 * Admitted, it runs as one of the backtest queue's jobs (`BacktestQueue.replay`): it waits for one
 * of the process's backtest workers behind the runs queued before it, as they do.
 */
import type { Tier } from '@tickline/identity';
import { uuidv7 } from '@tickline/kernel';
import { backtestQuotaError, quotaDay } from '../http/backtest-quota.ts';
import type { StrategyHost } from './strategy-host.ts';

/** Whose version is replayed: its quotas are the owner's. */
export interface ReplayOwner {
  userId: string;
  tier: Tier;
}

/** Runs `replay` once the owner's quotas admit it (see the module comment). */
export interface ReplayMeter {
  <T>(
    owner: ReplayOwner,
    version: { strategyId: string; version: number; purpose: string },
    replay: (signal: AbortSignal) => Promise<T>,
  ): Promise<T>;
  /**
   * Runs a replay of the platform's own (the parity monitor's check): taken from no account's
   * quotas, but on a worker of the backtest queue like the others, one at a time.
   * @default runs it at once (a meter without a queue: tests)
   */
  platform?: <T>(replay: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}

/** Whose turn the platform's replays take in the backtest queue (no account has this id). */
const PLATFORM_REPLAYS = 'platform:replays';

/** The meter over the strategy host's repository, its tiers and identity's backtests per day. */
export function createReplayMeter(
  host: Pick<StrategyHost, 'repository' | 'settings' | 'identity' | 'clock' | 'queue'>,
): ReplayMeter {
  const metered: ReplayMeter = async (owner, version, replay) => {
    const now = host.clock.now();
    // A tier stored before a rename reads as the smallest (the trading host's limits do the same).
    const tier: ReplayOwner['tier'] = Object.hasOwn(host.settings.tiers, owner.tier) ? owner.tier : 'free';
    const limits = {
      tier,
      perDay: host.identity.tierLimits(tier).backtestsPerDay,
      concurrent: host.settings.tiers[tier].concurrentJobs,
    };
    const begun = await host.repository.beginReplayWithinQuota(
      { id: uuidv7(), userId: owner.userId, ...version, now: new Date(now) },
      { since: new Date(quotaDay(now).start), ...limits },
    );
    if ('exceeded' in begun) throw backtestQuotaError(begun, limits, now);
    let status: 'succeeded' | 'failed' = 'failed';
    try {
      const result = await host.queue.replay(owner.userId, limits.concurrent, replay);
      status = 'succeeded';
      return result;
    } finally {
      await host.repository.endReplay(begun.id, status, new Date(host.clock.now()));
    }
  };
  metered.platform = (replay) => host.queue.replay(PLATFORM_REPLAYS, 1, replay);
  return metered;
}
