/**
 * @module Engaging a kill switch over a scope (a portfolio, an account's, a venue's, every one) and
 * proving it halted. Per portfolio: the switch is stored (every process refuses from its next
 * read), applied everywhere (runs paused, working orders cancelled at the venue), with `flatten`
 * each open position is closed by a market order the desk lets past the switch, and the halt is
 * recorded. The proof is built from the record and the order journal on every read
 * (halt-proof.ts), never from what this call remembers.
 */
import { uuidv7 } from '@tickline/kernel';
import type { OrderDeskPort } from '../broker/order-desk.ts';
import type { OrderJournal } from '../broker/order-journal.ts';
import { isFinalStatus, MIN_ORDER_QUANTITY, type Order } from '../broker/order.ts';
import type { KillSwitchActor, KillSwitchEngagement, KillSwitchState } from '../risk/kill-switch.ts';
import type { RiskChange } from '../risk/risk-controls.ts';
import {
  buildHaltProof,
  type HaltClose,
  haltCloseClientOrderId,
  type HaltProof,
  type HaltRecord,
  type HaltScope,
} from './halt-proof.ts';
import type { HaltStore } from './halt-store.ts';
import { closeLot, type LotRules } from './close-lot.ts';

/** Orders of a portfolio read for a proof at most: those changed since the switch come first. */
const PROOF_ORDERS = 1_000;

/** What the service needs (the live composition and the routes hold these). */
export interface HaltServiceOptions {
  risk: { engageKillSwitch(portfolioId: string, change: RiskChange): Promise<KillSwitchState> };
  /** Pauses the portfolio's runs and cancels its working orders in every process; how many. */
  apply: (portfolioId: string, actor: KillSwitchActor, engagement: KillSwitchEngagement) => Promise<number>;
  desk: Pick<OrderDeskPort, 'place'>;
  /** The portfolio's signed positions now (the books), with their mark price when known. */
  positions: (portfolioId: string) => ReadonlyArray<{ symbol: string; quantity: number; markPrice?: number }>;
  /**
   * The lot filters of the venue `portfolioId` trades `symbol` at (close-lot.ts); undefined (or
   * absent) when it has none beyond the desk's minimum quantity (paper).
   */
  lotOf?: (portfolioId: string, symbol: string) => Promise<LotRules | undefined>;
  journal: Pick<OrderJournal, 'recent' | 'working'>;
  store: HaltStore;
  now: () => number;
  /** Told of a close the desk refused or could not place (the proof shows it as not closed). */
  onCloseError?: (portfolioId: string, symbol: string, error: unknown) => void;
}

/** What an engagement asks for. */
export interface HaltRequest {
  portfolioIds: readonly string[];
  scope: HaltScope;
  target?: string;
  change: RiskChange;
  flatten: boolean;
}

/** One portfolio's part of an engagement. */
export interface HaltedPortfolio {
  portfolioId: string;
  cancelled: number;
  killSwitch: KillSwitchState;
  proof: HaltProof;
}

/** See the module comment. */
export function createHaltService(o: HaltServiceOptions) {
  const proofOf = async (record: HaltRecord): Promise<HaltProof> => {
    const [recent, working] = await Promise.all([
      o.journal.recent(record.portfolioId, PROOF_ORDERS),
      o.journal.working(record.portfolioId),
    ]);
    const orders = new Map<string, Order>();
    for (const order of [...recent, ...working])
      if (order.updatedAt >= record.engagedAt || !isFinalStatus(order.status))
        orders.set(order.clientOrderId, order);
    return buildHaltProof(record, [...orders.values()], o.now());
  };

  /** One close per open position, each rounded down to its venue's lot (close-lot.ts). */
  const closesOf = async (haltId: string, index: number, portfolioId: string): Promise<HaltClose[]> => {
    const open = o.positions(portfolioId).filter((p) => Math.abs(p.quantity) >= MIN_ORDER_QUANTITY);
    return Promise.all(
      open.map(async (p, i) => {
        // Rules that cannot be read leave the close whole: the venue's refusal then shows in the proof.
        const rules = await o.lotOf?.(portfolioId, p.symbol).catch(() => undefined);
        const lot = closeLot(Math.abs(p.quantity), rules, p.markPrice);
        return {
          symbol: p.symbol,
          side: p.quantity > 0 ? ('sell' as const) : ('buy' as const),
          quantity: lot.quantity,
          clientOrderId: haltCloseClientOrderId(haltId, index, i),
          ...(lot.dust > 0 ? { dust: lot.dust } : {}),
        };
      }),
    );
  };

  const engageOne = async (
    haltId: string,
    index: number,
    portfolioId: string,
    request: HaltRequest,
  ): Promise<HaltedPortfolio> => {
    const { change } = request;
    const stored = await o.risk.engageKillSwitch(portfolioId, change);
    // Engaging again keeps the first engagement: the proof runs from the switch's real time.
    const engagement = stored[change.actor] ?? { by: change.by, at: change.at, reason: change.reason };
    const cancelled = await o.apply(portfolioId, change.actor, engagement);
    const closes = request.flatten ? await closesOf(haltId, index, portfolioId) : [];
    const record: HaltRecord = {
      haltId,
      portfolioId,
      scope: request.scope,
      ...(request.target === undefined ? {} : { target: request.target }),
      actor: change.actor,
      by: change.by,
      reason: change.reason,
      engagedAt: engagement.at,
      flatten: request.flatten,
      closes,
    };
    // Recorded before the closes go: a close placed is always one the proof knows of.
    await o.store.save(record);
    for (const close of closes) {
      if (close.quantity === 0) continue;
      try {
        await o.desk.place({
          portfolioId,
          clientOrderId: close.clientOrderId,
          symbol: close.symbol,
          side: close.side,
          type: 'market',
          quantity: close.quantity,
          origin: { kind: 'manual', userId: change.by },
        });
      } catch (error) {
        o.onCloseError?.(portfolioId, close.symbol, error);
      }
    }
    return { portfolioId, cancelled, killSwitch: stored, proof: await proofOf(record) };
  };

  return {
    /** Engages the switch on every portfolio of the request, one after the other. */
    async engage(request: HaltRequest): Promise<{ haltId: string; portfolios: HaltedPortfolio[] }> {
      const haltId = uuidv7();
      const portfolios: HaltedPortfolio[] = [];
      let index = 0;
      for (const portfolioId of request.portfolioIds)
        portfolios.push(await engageOne(haltId, index++, portfolioId, request));
      return { haltId, portfolios };
    },
    /** The proofs of one halt (one per portfolio it covered), built now; empty when unknown. */
    async proofs(haltId: string): Promise<HaltProof[]> {
      return Promise.all((await o.store.halt(haltId)).map(proofOf));
    },
    /** A portfolio's latest halts' proofs, latest first. */
    async ofPortfolio(portfolioId: string, limit: number): Promise<HaltProof[]> {
      return Promise.all((await o.store.ofPortfolio(portfolioId, limit)).map(proofOf));
    },
  };
}

export type HaltService = ReturnType<typeof createHaltService>;
