/**
 * @module The SQL adapter of {@link RiskControls} (migration 0029): the state in
 * `portfolio_risk_controls`, each change in `portfolio_risk_audit`, both written in one
 * transaction with the portfolio's row locked, so two processes changing the same switch at once
 * apply one after the other and neither change is lost.
 */
import type { Sql, SqlTx } from '@tickline/store';
import { KILL_SWITCH_OFF, type KillSwitchEngagement, type KillSwitchState } from './kill-switch.ts';
import {
  applyKillSwitch,
  RiskAuditAction,
  type RiskAuditEntry,
  type RiskChange,
  type RiskControls,
  type StoredRiskControls,
} from './risk-controls.ts';
import { type RiskLimits, RiskLimitsSchema } from './risk-limits.ts';

interface ControlsRow {
  kill_user: KillSwitchEngagement | string | null;
  kill_admin: KillSwitchEngagement | string | null;
  limits: RiskLimits | string | null;
}

interface AuditRow {
  portfolio_id: string;
  action: RiskAuditEntry['action'];
  actor: RiskAuditEntry['actor'];
  by_user: string;
  reason: string;
  detail: { limits?: RiskLimits } | string | null;
  at_ms: string | number;
}

// PostgreSQL's driver parses jsonb; PGlite may hand back text.
const json = <T>(v: T | string | null): T | undefined =>
  v === null ? undefined : typeof v === 'string' ? (JSON.parse(v) as T) : v;

function fromRow(row: ControlsRow | undefined): StoredRiskControls {
  if (row === undefined) return { killSwitch: KILL_SWITCH_OFF };
  const user = json(row.kill_user);
  const admin = json(row.kill_admin);
  // Stored limits are parsed again: defaults added to the schema later fill in on read.
  const limits = json(row.limits);
  return {
    killSwitch: { ...(user ? { user } : {}), ...(admin ? { admin } : {}) },
    ...(limits === undefined ? {} : { limits: RiskLimitsSchema.parse(limits) }),
  };
}

const SELECT = 'select kill_user, kill_admin, limits from portfolio_risk_controls where portfolio_id = $1';

/** See the module comment. */
export class SqlRiskControls implements RiskControls {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async read(portfolioId: string): Promise<StoredRiskControls> {
    const { rows } = await this.#sql.query<ControlsRow>(SELECT, [portfolioId]);
    return fromRow(rows[0]);
  }

  async readMany(portfolioIds: readonly string[]): Promise<Map<string, StoredRiskControls>> {
    const { rows } = await this.#sql.query<ControlsRow & { portfolio_id: string }>(
      'select portfolio_id, kill_user, kill_admin, limits from portfolio_risk_controls where portfolio_id = any($1::text[])',
      [[...portfolioIds]],
    );
    const found = new Map(rows.map((r) => [r.portfolio_id, r]));
    return new Map(portfolioIds.map((id) => [id, fromRow(found.get(id))]));
  }

  engage(portfolioId: string, change: RiskChange): Promise<KillSwitchState> {
    return this.#switch(portfolioId, 'engage', change);
  }

  release(portfolioId: string, change: RiskChange): Promise<KillSwitchState> {
    return this.#switch(portfolioId, 'release', change);
  }

  async setLimits(portfolioId: string, limits: RiskLimits, change: RiskChange): Promise<void> {
    await this.#sql.transaction(async (tx) => {
      await locked(tx, portfolioId, change.at);
      await tx.query(
        'update portfolio_risk_controls set limits = $2::jsonb, updated_at_ms = $3 where portfolio_id = $1',
        [portfolioId, JSON.stringify(limits), change.at],
      );
      await audit(tx, portfolioId, RiskAuditAction.RiskLimitsChanged, change, { limits });
    });
  }

  async audit(portfolioId: string, limit: number): Promise<RiskAuditEntry[]> {
    const { rows } = await this.#sql.query<AuditRow>(
      `select * from (select portfolio_id, action, actor, by_user, reason, detail, at_ms, id
         from portfolio_risk_audit where portfolio_id = $1 order by id desc limit $2) latest order by id`,
      [portfolioId, limit],
    );
    return rows.map((r) => {
      const detail = json(r.detail);
      return {
        portfolioId: r.portfolio_id,
        action: r.action,
        actor: r.actor,
        by: r.by_user,
        reason: r.reason,
        at: Number(r.at_ms),
        ...(detail?.limits === undefined ? {} : { limits: detail.limits }),
      };
    });
  }

  #switch(portfolioId: string, action: 'engage' | 'release', change: RiskChange): Promise<KillSwitchState> {
    return this.#sql.transaction(async (tx) => {
      const current = await locked(tx, portfolioId, change.at);
      const next = applyKillSwitch(current.killSwitch, action, change);
      // Engaging a held hand or releasing a free one changes nothing, so nothing is audited.
      if (next === current.killSwitch) return next;
      await tx.query(
        `update portfolio_risk_controls set kill_user = $2::jsonb, kill_admin = $3::jsonb, updated_at_ms = $4
          where portfolio_id = $1`,
        [portfolioId, jsonOrNull(next.user), jsonOrNull(next.admin), change.at],
      );
      const audited =
        action === 'engage' ? RiskAuditAction.KillSwitchEngaged : RiskAuditAction.KillSwitchReleased;
      await audit(tx, portfolioId, audited, change);
      return next;
    });
  }
}

/** The portfolio's row, created when missing, locked until the transaction ends. */
async function locked(tx: SqlTx, portfolioId: string, at: number): Promise<StoredRiskControls> {
  await tx.query(
    `insert into portfolio_risk_controls (portfolio_id, updated_at_ms) values ($1, $2)
     on conflict (portfolio_id) do nothing`,
    [portfolioId, at],
  );
  const { rows } = await tx.query<ControlsRow>(`${SELECT} for update`, [portfolioId]);
  return fromRow(rows[0]);
}

async function audit(
  tx: SqlTx,
  portfolioId: string,
  action: RiskAuditEntry['action'],
  change: RiskChange,
  detail?: { limits: RiskLimits },
): Promise<void> {
  await tx.query(
    `insert into portfolio_risk_audit (portfolio_id, action, actor, by_user, reason, detail, at_ms)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [
      portfolioId,
      action,
      change.actor,
      change.by,
      change.reason,
      detail === undefined ? null : JSON.stringify(detail),
      change.at,
    ],
  );
}

const jsonOrNull = (v: KillSwitchEngagement | undefined): string | null =>
  v === undefined ? null : JSON.stringify(v);
