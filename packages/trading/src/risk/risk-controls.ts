/**
 * @module The risk controls port: a portfolio's kill switch and its own risk limits as durable,
 * shared state. They change only through the audited commands here (who, when, why — every change
 * appends an audit entry with the state change, atomically), and every process reads them before
 * its next order (`LedgerRiskView` caches a read for a short TTL). Adapters: in memory (tests, one
 * process) and SQL (`SqlRiskControls`, migration 0029); one contract suite runs against both.
 */
import {
  engageKillSwitch,
  KILL_SWITCH_OFF,
  type KillSwitchActor,
  type KillSwitchEngagement,
  type KillSwitchState,
  releaseKillSwitch,
} from './kill-switch.ts';
import type { RiskLimits } from './risk-limits.ts';

/** Who changes a control, when and why. */
export interface RiskChange {
  actor: KillSwitchActor;
  /** The user id of who asked. */
  by: string;
  /** Epoch ms. */
  at: number;
  reason: string;
}

export const RiskAuditAction = {
  KillSwitchEngaged: 'kill_switch.engaged',
  KillSwitchReleased: 'kill_switch.released',
  RiskLimitsChanged: 'risk_limits.changed',
} as const;
export type RiskAuditAction = (typeof RiskAuditAction)[keyof typeof RiskAuditAction];

/** One audited change, newest last in {@link RiskControls.audit}. */
export interface RiskAuditEntry extends RiskChange {
  portfolioId: string;
  action: RiskAuditAction;
  /** The new limits of a `risk_limits.changed`. */
  limits?: RiskLimits;
}

/** A portfolio's controls as stored; `limits` absent = the configured defaults apply. */
export interface StoredRiskControls {
  killSwitch: KillSwitchState;
  limits?: RiskLimits;
}

/** See the module comment. */
export interface RiskControls {
  read(portfolioId: string): Promise<StoredRiskControls>;
  /**
   * The controls of many portfolios in one read (a portfolio with none stored reads as `read`
   * gives it). Optional: a candle close's orders ask for many portfolios at once.
   */
  readMany?(portfolioIds: readonly string[]): Promise<Map<string, StoredRiskControls>>;
  /** Engages `change.actor`'s hand (a second engagement keeps the first); returns the new state. */
  engage(portfolioId: string, change: RiskChange): Promise<KillSwitchState>;
  /** Releases `change.actor`'s own hand only; the other stays. Returns the new state. */
  release(portfolioId: string, change: RiskChange): Promise<KillSwitchState>;
  /** Replaces the portfolio's own limits. */
  setLimits(portfolioId: string, limits: RiskLimits, change: RiskChange): Promise<void>;
  /** The latest `limit` audit entries, oldest first. */
  audit(portfolioId: string, limit: number): Promise<RiskAuditEntry[]>;
}

/** The engagement a change makes. */
export function engagementOf(change: RiskChange): KillSwitchEngagement {
  return { by: change.by, at: change.at, reason: change.reason };
}

/** Applies a kill-switch command to a state (pure; both adapters use it). */
export function applyKillSwitch(
  state: KillSwitchState,
  action: 'engage' | 'release',
  change: RiskChange,
): KillSwitchState {
  return action === 'engage'
    ? engageKillSwitch(state, change.actor, engagementOf(change))
    : releaseKillSwitch(state, change.actor);
}

/** The in-memory adapter (one process; tests). */
export class InMemoryRiskControls implements RiskControls {
  readonly #state = new Map<string, StoredRiskControls>();
  readonly #audit: RiskAuditEntry[] = [];

  async read(portfolioId: string): Promise<StoredRiskControls> {
    return this.#state.get(portfolioId) ?? { killSwitch: KILL_SWITCH_OFF };
  }

  async readMany(portfolioIds: readonly string[]): Promise<Map<string, StoredRiskControls>> {
    return new Map(portfolioIds.map((id) => [id, this.#state.get(id) ?? { killSwitch: KILL_SWITCH_OFF }]));
  }

  async engage(portfolioId: string, change: RiskChange): Promise<KillSwitchState> {
    return this.#switch(portfolioId, 'engage', change);
  }

  async release(portfolioId: string, change: RiskChange): Promise<KillSwitchState> {
    return this.#switch(portfolioId, 'release', change);
  }

  async setLimits(portfolioId: string, limits: RiskLimits, change: RiskChange): Promise<void> {
    this.#state.set(portfolioId, { ...(await this.read(portfolioId)), limits });
    this.#audit.push({ ...change, portfolioId, action: RiskAuditAction.RiskLimitsChanged, limits });
  }

  async audit(portfolioId: string, limit: number): Promise<RiskAuditEntry[]> {
    return this.#audit.filter((e) => e.portfolioId === portfolioId).slice(-limit);
  }

  async #switch(portfolioId: string, action: 'engage' | 'release', change: RiskChange) {
    const current = await this.read(portfolioId);
    const killSwitch = applyKillSwitch(current.killSwitch, action, change);
    // Engaging a held hand or releasing a free one changes nothing, so nothing is audited.
    if (killSwitch === current.killSwitch) return killSwitch;
    this.#state.set(portfolioId, { ...current, killSwitch });
    this.#audit.push({
      ...change,
      portfolioId,
      action: action === 'engage' ? RiskAuditAction.KillSwitchEngaged : RiskAuditAction.KillSwitchReleased,
    });
    return killSwitch;
  }
}
