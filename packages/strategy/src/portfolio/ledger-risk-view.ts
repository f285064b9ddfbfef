/**
 * @module The order desk's view of a portfolio ({@link PortfolioRiskView}) served from the
 * portfolio books: position, mark, equity now and at 00:00 UTC from a {@link PortfolioLedgerReader},
 * the limits and the kill switch from in-process maps the owner and admins change. One per process.
 */
import type { PortfolioRiskView } from '../broker/order-desk.ts';
import type { PortfolioLedgerReader } from '../broker/paper/paper-ports.ts';
import type { RiskSnapshot } from '../risk/check-order.ts';
import {
  engageKillSwitch,
  KILL_SWITCH_OFF,
  type KillSwitchActor,
  type KillSwitchEngagement,
  type KillSwitchState,
  releaseKillSwitch,
} from '../risk/kill-switch.ts';
import type { RiskLimits } from '../risk/risk-limits.ts';

/** See the module comment. */
export class LedgerRiskView implements PortfolioRiskView {
  readonly #ledger: PortfolioLedgerReader;
  readonly #defaults: RiskLimits;
  readonly #lastPrice: (symbol: string) => number | undefined;
  readonly #limits = new Map<string, RiskLimits>();
  readonly #switches = new Map<string, KillSwitchState>();

  constructor(
    ledger: PortfolioLedgerReader,
    defaults: RiskLimits,
    lastPrice: (symbol: string) => number | undefined,
  ) {
    this.#ledger = ledger;
    this.#defaults = defaults;
    this.#lastPrice = lastPrice;
  }

  async riskSnapshot(portfolioId: string, symbol: string): Promise<Omit<RiskSnapshot, 'recentOrderTimes'>> {
    const position = this.#ledger.position(portfolioId, symbol);
    return {
      positionQuantity: position?.quantity ?? 0,
      markPrice: this.#lastPrice(symbol) ?? position?.markPrice ?? 0,
      dayStartEquity: this.#ledger.dayStartEquity(portfolioId),
      equity: this.#ledger.equity(portfolioId),
    };
  }

  async riskLimits(portfolioId: string): Promise<RiskLimits> {
    return this.#limits.get(portfolioId) ?? this.#defaults;
  }

  async killSwitch(portfolioId: string): Promise<KillSwitchState> {
    return this.#switches.get(portfolioId) ?? KILL_SWITCH_OFF;
  }

  /** A portfolio's own (tighter) limits. */
  setLimits(portfolioId: string, limits: RiskLimits): void {
    this.#limits.set(portfolioId, limits);
  }

  engage(portfolioId: string, actor: KillSwitchActor, engagement: KillSwitchEngagement): KillSwitchState {
    const next = engageKillSwitch(this.#switches.get(portfolioId) ?? KILL_SWITCH_OFF, actor, engagement);
    this.#switches.set(portfolioId, next);
    return next;
  }

  release(portfolioId: string, actor: KillSwitchActor): KillSwitchState {
    const next = releaseKillSwitch(this.#switches.get(portfolioId) ?? KILL_SWITCH_OFF, actor);
    this.#switches.set(portfolioId, next);
    return next;
  }
}
