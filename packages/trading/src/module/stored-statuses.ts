/**
 * @module Live runs as the API shows them where runs are shared between processes: the store's
 * state and pause, this process's counters for the runs it runs itself, and every run's strategy
 * name — read here for the runs other processes run, one read of the user's strategies for a list
 * (a name each would be a statement per run: GraphQL's nested queries hold that count constant).
 */
import type { StrategyRepository } from '@tickline/strategy';
import type { LiveRunStatus } from '../live/live-runner.ts';
import type { LiveStore, StoredLiveRun } from '../live/live-store.ts';

export interface StoredStatuses {
  get: (id: string) => Promise<LiveRunStatus | undefined>;
  list: (userId: string) => Promise<LiveRunStatus[]>;
}

/** Reads a strategy's name; undefined when it cannot be read (deleted meanwhile, a store error). */
export const strategyNameReader =
  (repository: Pick<StrategyRepository, 'getStrategy'>) =>
  async (userId: string, strategyId: string): Promise<string | undefined> =>
    (await repository.getStrategy(userId, strategyId).catch(() => undefined))?.name;

export function storedStatuses(
  store: LiveStore,
  local: (id: string) => LiveRunStatus | undefined,
  repository: Pick<StrategyRepository, 'getStrategy' | 'listStrategies'>,
): StoredStatuses {
  const nameOf = strategyNameReader(repository);
  const statusOf = (run: StoredLiveRun, named: string | undefined): LiveRunStatus => {
    const here = local(run.id);
    const name = here?.strategyName ?? named;
    const fallback: LiveRunStatus = {
      id: run.id,
      strategyId: run.strategyId,
      version: run.version,
      userId: run.userId,
      portfolioId: run.portfolioId,
      state: run.state,
      ...run.counts,
      // Written after its process's wave, orders placed: what parity counts as decided too.
      ...(run.checkpointMs === undefined
        ? {}
        : { lastCandleTime: run.checkpointMs, settledCandleTime: run.checkpointMs }),
      lastSignals: [],
      logs: [],
      cpuMs: 0,
      errors: 0,
    };
    const { pause: _pause, ...base } = here ?? fallback;
    return {
      ...base,
      ...(name === undefined ? {} : { strategyName: name }),
      state: run.state,
      ...(run.pause === undefined ? {} : { pause: run.pause }),
    };
  };
  return {
    get: async (id) => {
      const run = await store.get(id);
      if (run === undefined) return undefined;
      // A run of this process carries its name; another's is read.
      const named =
        local(id)?.strategyName === undefined ? await nameOf(run.userId, run.strategyId) : undefined;
      return statusOf(run, named);
    },
    list: async (userId) => {
      const runs = await store.list(userId);
      const names = runs.some((r) => local(r.id)?.strategyName === undefined)
        ? new Map((await repository.listStrategies(userId).catch(() => [])).map((x) => [x.id, x.name]))
        : undefined;
      return runs.map((r) => statusOf(r, names?.get(r.strategyId)));
    },
  };
}
