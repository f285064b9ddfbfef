/**
 * @module The promotion gate applied: reads a version's research reports and its admin overrides,
 * evaluates the configured thresholds, and refuses a live run (STRATEGY_GATE_REFUSED) when the
 * owner's tier requires the gate and neither a passing report nor an override exists. Overrides
 * are rows in `promotion_overrides` (who, when, why) and a warning in the log.
 */
import { TicklineError, uuidv7, type Clock, type Logger } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import {
  evaluateGate,
  type GateFeed,
  feedsText,
  type GateThresholds,
  type GateVerdict,
  reportsOnFeeds,
} from '../research/promotion-gate.ts';
import type { StrategyRepository } from '../versions/strategy-repository.ts';
import { cpuForecast, type CpuForecast } from './cpu-forecast.ts';
import type { ResearchRepository } from './research-repository.ts';

export interface GateOverride {
  id: string;
  adminId: string;
  reason: string;
  createdAt: string;
}

export interface GateStatus extends GateVerdict {
  /** The owner's tier requires the gate before a live run. */
  required: boolean;
  thresholds: GateThresholds;
  overrides: GateOverride[];
  /** May the version run live now: not required, passed, or overridden. */
  allowed: boolean;
  /**
   * The version's CPU per candle from its newest backtest against the tier's live budget (null
   * when the budget is unknown here). A forecast over it refuses the live run on its own
   * (STRATEGY_CPU_FORECAST_EXCEEDS_BUDGET), whether or not the gate is required.
   */
  forecast: CpuForecast | null;
}

export interface PromotionGateOptions {
  sql: Sql;
  research: ResearchRepository;
  thresholds: GateThresholds;
  clock: Clock;
  logger: Logger;
  /** Where the CPU forecast comes from, and the tier's live budget it is held against. */
  forecast?: {
    runs: Pick<StrategyRepository, 'newestCpuPerCandle'>;
    budgetMs: (tier: string) => number | undefined;
  };
}

export class PromotionGate {
  readonly #o: PromotionGateOptions;

  constructor(options: PromotionGateOptions) {
    this.#o = options;
  }

  async #overrides(strategyId: string, version: number): Promise<GateOverride[]> {
    const { rows } = await this.#o.sql.query<{
      id: string;
      admin_id: string;
      reason: string;
      created_at: string | Date;
    }>(
      `select id, admin_id, reason, created_at from promotion_overrides
       where strategy_id = $1 and version = $2 order by created_at desc limit 20`,
      [strategyId, version],
    );
    return rows.map((r) => ({
      id: r.id,
      adminId: r.admin_id,
      reason: r.reason,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  /**
   * The verdict on a version; with `feeds`, on that version for a run reading them (only reports
   * that researched every one of them count).
   */
  async status(
    userId: string,
    tier: string,
    strategyId: string,
    version: number,
    feeds?: readonly GateFeed[],
  ): Promise<GateStatus> {
    const t = this.#o.thresholds;
    const all = await this.#o.research.reportsOfVersion(userId, strategyId, version);
    const verdict = evaluateGate(feeds === undefined ? all : reportsOnFeeds(all, feeds), t);
    const overrides = await this.#overrides(strategyId, version);
    const required = (t.requiredTiers as readonly string[]).includes(tier);
    const budgetMs = this.#o.forecast?.budgetMs(tier);
    const forecast =
      budgetMs === undefined
        ? null
        : await cpuForecast(this.#o.forecast!.runs, userId, strategyId, version, budgetMs);
    return {
      ...verdict,
      required,
      thresholds: t,
      overrides,
      allowed: !required || verdict.passed || overrides.length > 0,
      forecast,
    };
  }

  /**
   * STRATEGY_GATE_REFUSED unless the version may run live on `feeds` (see
   * {@link GateStatus.allowed}): the failed checks, each with its figure and limit.
   */
  async assertMayGoLive(
    userId: string,
    tier: string,
    strategyId: string,
    version: number,
    feeds: readonly GateFeed[],
  ): Promise<void> {
    const s = await this.status(userId, tier, strategyId, version, feeds);
    if (s.allowed) return;
    const failed = s.checks.filter((c) => !c.passed);
    const figures = failed
      .map((c) => `${c.name} ${c.value === null ? 'no report' : String(c.value)} (limit ${String(c.limit)})`)
      .join(', ');
    throw new TicklineError(
      'STRATEGY_GATE_REFUSED',
      `version ${version} has no research report on ${feedsText(feeds)} that passed the promotion gate: ${figures}`,
      { details: { strategyId, version, feeds, failed } },
    );
  }

  /** Records an admin's override of the gate for one version (the audit record). */
  async override(
    adminId: string,
    strategyId: string,
    version: number,
    reason: string,
  ): Promise<GateOverride> {
    const id = uuidv7();
    const now = new Date(this.#o.clock.now());
    const { rowCount } = await this.#o.sql.query(
      `insert into promotion_overrides (id, strategy_id, version, admin_id, reason, created_at)
       select $1, $2, $3, $4, $5, $6 where exists
         (select 1 from strategy_versions where strategy_id = $2 and version = $3)`,
      [id, strategyId, version, adminId, reason, now],
    );
    if (!rowCount)
      throw new TicklineError('STRATEGY_NOT_FOUND', `no strategy ${strategyId} version ${version}`);
    this.#o.logger.warn(
      { adminId, strategyId, version, reason, overrideId: id },
      'promotion gate overridden',
    );
    return { id, adminId, reason, createdAt: now.toISOString() };
  }
}
