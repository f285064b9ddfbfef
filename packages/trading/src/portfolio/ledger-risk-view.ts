/**
 * @module The order desk's view of a portfolio ({@link PortfolioRiskView}) served from the
 * portfolio books: position, mark, equity now and at 00:00 UTC from a {@link PortfolioLedgerReader};
 * the limits and the kill switch from the durable {@link RiskControls} every process shares, read
 * through a short-TTL cache so each order does not cost a query, yet a switch engaged through
 * another process holds here within `ttlMs`. One per process.
 */
import { perTurn } from '@tickline/kernel';
import type { PortfolioRiskView } from '../broker/order-desk.ts';
import type { PortfolioLedgerReader } from '../broker/paper/paper-ports.ts';
import type { RiskSnapshot } from '../risk/check-order.ts';
import {
  engageKillSwitch,
  type KillSwitchActor,
  type KillSwitchEngagement,
  type KillSwitchState,
} from '../risk/kill-switch.ts';
import {
  InMemoryRiskControls,
  type RiskChange,
  type RiskControls,
  type StoredRiskControls,
} from '../risk/risk-controls.ts';
import type { RiskLimits } from '../risk/risk-limits.ts';

/** How long a process trusts its last read of a portfolio's controls. */
export const RISK_CONTROLS_TTL_MS = 1_000;

/** Options of {@link LedgerRiskView} beyond the books. */
export interface LedgerRiskViewOptions {
  /** @default an in-memory store (one process) */
  controls?: RiskControls;
  /** @default RISK_CONTROLS_TTL_MS */
  ttlMs?: number;
  /** Epoch ms for the cache; @default Date.now */
  now?: () => number;
  /** A durable write made from the runner's hook failed; @default ignored */
  onWriteError?: (error: unknown) => void;
}

/** See the module comment. */
export class LedgerRiskView implements PortfolioRiskView {
  readonly #ledger: PortfolioLedgerReader;
  readonly #defaults: RiskLimits;
  readonly #lastPrice: (symbol: string) => number | undefined;
  readonly controls: RiskControls;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #onWriteError: (error: unknown) => void;
  readonly #cache = new Map<string, { value: StoredRiskControls; until: number }>();
  /** Reads of the store under way, by portfolio. */
  readonly #reading = new Map<string, Promise<StoredRiskControls>>();
  /** Reads the portfolios asked for in one turn together (see #fetch). */
  #readMany: ((portfolioId: string) => Promise<StoredRiskControls>) | undefined;

  constructor(
    ledger: PortfolioLedgerReader,
    defaults: RiskLimits,
    lastPrice: (symbol: string) => number | undefined,
    options: LedgerRiskViewOptions = {},
  ) {
    this.#ledger = ledger;
    this.#defaults = defaults;
    this.#lastPrice = lastPrice;
    this.controls = options.controls ?? new InMemoryRiskControls();
    this.#ttlMs = options.ttlMs ?? RISK_CONTROLS_TTL_MS;
    this.#now = options.now ?? Date.now;
    this.#onWriteError = options.onWriteError ?? (() => {});
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
    return (await this.#read(portfolioId)).limits ?? this.#defaults;
  }

  async killSwitch(portfolioId: string): Promise<KillSwitchState> {
    return (await this.#read(portfolioId)).killSwitch;
  }

  /** The configured limits a portfolio has until its owner sets its own. */
  get defaults(): RiskLimits {
    return this.#defaults;
  }

  /** Engages the switch durably (audited); this process refuses orders from now on. */
  async engageKillSwitch(portfolioId: string, change: RiskChange): Promise<KillSwitchState> {
    const killSwitch = await this.controls.engage(portfolioId, change);
    this.#put(portfolioId, { ...(await this.#read(portfolioId)), killSwitch });
    return killSwitch;
  }

  /** Releases the caller's hand durably (audited); the next order here is checked without it. */
  async releaseKillSwitch(portfolioId: string, change: RiskChange): Promise<KillSwitchState> {
    const killSwitch = await this.controls.release(portfolioId, change);
    this.#put(portfolioId, { ...(await this.#read(portfolioId)), killSwitch });
    return killSwitch;
  }

  /** Sets the portfolio's own limits durably (audited). */
  async setLimits(portfolioId: string, limits: RiskLimits, change: RiskChange): Promise<void> {
    await this.controls.setLimits(portfolioId, limits, change);
    this.#put(portfolioId, { ...(await this.#read(portfolioId)), limits });
  }

  /**
   * The runner's hook when a switch is engaged: this process holds it at once, and the durable
   * store is told too (a no-op there when the command already engaged it through
   * `engageKillSwitch`, which is how the API does it — a no-op is not audited).
   */
  engage(portfolioId: string, actor: KillSwitchActor, engagement: KillSwitchEngagement): KillSwitchState {
    const cached = this.#cache.get(portfolioId)?.value ?? { killSwitch: {} };
    const killSwitch = engageKillSwitch(cached.killSwitch, actor, engagement);
    this.#put(portfolioId, { ...cached, killSwitch });
    // The local hold above is what this process enforces until the write lands; a failed write
    // leaves the switch held here for the TTL only, so it is reported rather than lost silently.
    this.controls.engage(portfolioId, { actor, ...engagement }).catch((error: unknown) => {
      this.#onWriteError(error);
    });
    return killSwitch;
  }

  async #read(portfolioId: string): Promise<StoredRiskControls> {
    const hit = this.#cache.get(portfolioId);
    if (hit !== undefined && hit.until > this.#now()) return hit.value;
    // An order's check asks for the limits and the switch at once: one read serves both.
    const pending = this.#reading.get(portfolioId);
    if (pending !== undefined) return pending;
    const reading = this.#fetch(portfolioId).then(
      (value) => {
        if (this.#reading.get(portfolioId) === reading) {
          this.#reading.delete(portfolioId);
          this.#put(portfolioId, value);
        }
        return value;
      },
      (error: unknown) => {
        if (this.#reading.get(portfolioId) === reading) this.#reading.delete(portfolioId);
        throw error;
      },
    );
    this.#reading.set(portfolioId, reading);
    return reading;
  }

  /**
   * One portfolio's controls from the store. Where it reads many at once, the portfolios asked for
   * in one turn of the event loop go in one read (kernel `perTurn`): a candle close's orders (a
   * hundred portfolios and more) cost one query instead of one each.
   */
  #fetch(portfolioId: string): Promise<StoredRiskControls> {
    const controls = this.controls;
    if (controls.readMany === undefined) return controls.read(portfolioId);
    this.#readMany ??= perTurn(async (ids: readonly string[]) => {
      const found = await controls.readMany!(ids);
      return ids.map((id) => found.get(id) ?? { killSwitch: {} });
    });
    return this.#readMany(portfolioId);
  }

  #put(portfolioId: string, value: StoredRiskControls): void {
    // A change made here wins over a read that started before it.
    this.#reading.delete(portfolioId);
    this.#cache.set(portfolioId, { value, until: this.#now() + this.#ttlMs });
  }
}
