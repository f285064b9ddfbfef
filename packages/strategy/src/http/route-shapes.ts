/**
 * @module What the strategy and backtest routes share: scopes, OpenAPI tags, parameter schemas,
 * the JSON shapes of strategies, versions and runs, and the guard of a route by scope.
 */
import { principalOf, requireAuthentication, requireScope, type Principal } from '@tickline/identity';
import { z } from 'zod';
import type { RunRecord, StrategyRecord, VersionInfo } from '../versions/strategy-repository.ts';
import type { BacktestRequest } from '../module/backtest-queue.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import { ApiKeyScope } from '@tickline/protocol';

export const STRATEGY_SCOPES = {
  read: ApiKeyScope.StrategiesRead,
  write: ApiKeyScope.StrategiesWrite,
  run: ApiKeyScope.BacktestsRun,
} as const;

export const TAGS = ['strategies'];
export const BACKTEST_TAGS = ['backtests'];
export const security: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];
export const DAY_MS = 86_400_000;

export const Id = z.uuid();
export const IdParams = z.object({ id: Id });
export const VersionParams = z.object({ id: Id, n: z.coerce.number().int().min(1).max(1_000_000) });
export const Language = z.enum(['typescript', 'javascript']).default('typescript');
/**
 * Bounded here by the most `strategy.maxCodeBytes` may be set to (1 MiB), the figure the OpenAPI
 * document shows; the configured limit (128 KiB by default) is checked with its own code (413).
 */
export const Source = z
  .string()
  .min(1)
  .max(1024 * 1024);
/** An ISO date-time or epoch milliseconds. */
export const Instant = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);
export const toMs = (v: string | number): number => (typeof v === 'number' ? v : Date.parse(v));

export const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function strategyJson(s: StrategyRecord) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    latestVersion: s.latestVersion,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function versionJson(v: VersionInfo) {
  return {
    strategyId: v.strategyId,
    version: v.version,
    language: v.language,
    params: v.params,
    sourceSha256: v.sourceSha256,
    sizeBytes: v.sizeBytes,
    createdAt: v.createdAt.toISOString(),
  };
}

export function runJson(r: RunRecord) {
  const q = r.request as unknown as BacktestRequest;
  return {
    id: r.id,
    strategyId: r.strategyId,
    version: r.version,
    status: r.status,
    progress: r.progress,
    symbol: q.symbol,
    interval: q.interval,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    exchange: q.exchange ?? null,
    params: q.params,
    settings: q.settings,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    adjust: q.adjust ?? 'none',
    dataVersion: q.dataVersion ?? null,
    rerunOf: q.rerunOf ?? null,
  };
}

/** Mark-to-market drawdown at each point of the (downsampled) curve, as a negative fraction. */
export function drawdownOf(equity: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  let peak = Number.NEGATIVE_INFINITY;
  return equity.map(([t, v]) => {
    peak = Math.max(peak, v);
    return [t, peak > 0 ? v / peak - 1 : 0];
  });
}

/** `preHandler`s that authenticate and require `scope`, and the caller's tier limits. */
export function routeGuards(host: StrategyHost) {
  const auth = requireAuthentication(host.identity);
  return {
    /** The route's declared scope (`config.scope`, which the gateway authorizes) and its checks. */
    guarded: (scope: ApiKeyScope) => ({
      config: { scope },
      preHandler: [
        auth,
        async (request: Parameters<typeof auth>[0]) => requireScope(principalOf(request), scope),
      ],
    }),
    tierLimits: (principal: Principal) => host.settings.tiers[principal.tier],
  };
}
