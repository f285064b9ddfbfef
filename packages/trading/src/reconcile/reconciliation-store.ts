/**
 * @module Reconciliation reports in SQL (`portfolio_reconciliations`, migration 0086): one row per
 * comparison, read latest first.
 */
import type { Sql } from '@tickline/store';
import type { Balance } from '../broker/broker.ts';
import type { ReconciliationDifference, OrderFigures } from './compare-books.ts';

/** Why a reconciliation ran. */
export const ReconciliationTrigger = {
  /** The process started following the portfolio's venue. */
  Start: 'start',
  /** The venue's user stream subscribed again after it was lost. */
  Reconnect: 'reconnect',
  /** A report on the stream did not follow from the books: one was missed. */
  Gap: 'gap',
  /** Asked for through the API or the CLI. */
  Request: 'request',
} as const;
export type ReconciliationTrigger = (typeof ReconciliationTrigger)[keyof typeof ReconciliationTrigger];

/** One comparison of a portfolio's books with its venue. */
export interface ReconciliationReport {
  reconciliationId: string;
  portfolioId: string;
  venue: string;
  trigger: ReconciliationTrigger;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number;
  /** Every difference corrected; false when the venue could not be read (see `error`). */
  agreed: boolean;
  differences: ReconciliationDifference[];
  /** What the venue reported: its working orders and balances. */
  venueReport: {
    openOrders: Array<{ clientOrderId: string; symbol: string } & OrderFigures>;
    balances: Balance[];
  };
  error?: string;
}

interface Row {
  reconciliation_id: string;
  portfolio_id: string;
  venue: string;
  trigger: ReconciliationTrigger;
  started_at: Date | string;
  finished_at: Date | string;
  agreed: boolean;
  differences: ReconciliationDifference[] | string;
  venue_report: ReconciliationReport['venueReport'] | string;
  error: string | null;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** See the module comment. */
export class ReconciliationStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async save(r: ReconciliationReport): Promise<void> {
    await this.#sql.query(
      `insert into portfolio_reconciliations
         (reconciliation_id, portfolio_id, venue, trigger, started_at, finished_at, agreed, differences, venue_report, error)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)
       on conflict (reconciliation_id) do nothing`,
      [
        r.reconciliationId,
        r.portfolioId,
        r.venue,
        r.trigger,
        new Date(r.startedAt).toISOString(),
        new Date(r.finishedAt).toISOString(),
        r.agreed,
        JSON.stringify(r.differences),
        JSON.stringify(r.venueReport),
        r.error ?? null,
      ],
    );
  }

  /** The portfolio's reports, latest first. */
  async list(portfolioId: string, limit: number): Promise<ReconciliationReport[]> {
    const { rows } = await this.#sql.query<Row>(
      `select * from portfolio_reconciliations where portfolio_id = $1
       order by finished_at desc, reconciliation_id desc limit $2`,
      [portfolioId, limit],
    );
    return rows.map((row) => ({
      reconciliationId: row.reconciliation_id,
      portfolioId: row.portfolio_id,
      venue: row.venue,
      trigger: row.trigger,
      startedAt: new Date(row.started_at).getTime(),
      finishedAt: new Date(row.finished_at).getTime(),
      agreed: row.agreed,
      differences: json(row.differences),
      venueReport: json(row.venue_report),
      ...(row.error === null ? {} : { error: row.error }),
    }));
  }
}
