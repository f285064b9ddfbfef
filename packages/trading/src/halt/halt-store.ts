/**
 * @module Kill switch halts in SQL (`kill_switch_halts`, migration 0089): one record per portfolio
 * an engagement covered, read by halt or latest first per portfolio; and in memory for an app
 * without SQL (tests). The proofs are built from these records and the journal (halt-proof.ts).
 */
import type { Sql } from '@tickline/store';
import type { KillSwitchActor } from '../risk/kill-switch.ts';
import type { HaltClose, HaltRecord, HaltScope } from './halt-proof.ts';

/** Where halt records are kept. */
export interface HaltStore {
  save(record: HaltRecord): Promise<void>;
  /** The records of one halt, by portfolio id. */
  halt(haltId: string): Promise<HaltRecord[]>;
  /** A portfolio's records, latest first. */
  ofPortfolio(portfolioId: string, limit: number): Promise<HaltRecord[]>;
}

interface Row {
  halt_id: string;
  portfolio_id: string;
  scope: HaltScope;
  target: string | null;
  actor: KillSwitchActor;
  by_user: string;
  reason: string;
  engaged_at_ms: string | number;
  flatten: boolean;
  closes: HaltClose[] | string;
}

const fromRow = (row: Row): HaltRecord => ({
  haltId: row.halt_id,
  portfolioId: row.portfolio_id,
  scope: row.scope,
  ...(row.target === null ? {} : { target: row.target }),
  actor: row.actor,
  by: row.by_user,
  reason: row.reason,
  engagedAt: Number(row.engaged_at_ms),
  flatten: row.flatten,
  closes: typeof row.closes === 'string' ? (JSON.parse(row.closes) as HaltClose[]) : row.closes,
});

/** See the module comment. */
export class SqlHaltStore implements HaltStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async save(r: HaltRecord): Promise<void> {
    await this.#sql.query(
      `insert into kill_switch_halts
         (halt_id, portfolio_id, scope, target, actor, by_user, reason, engaged_at_ms, flatten, closes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       on conflict (halt_id, portfolio_id) do update set closes = excluded.closes`,
      [
        r.haltId,
        r.portfolioId,
        r.scope,
        r.target ?? null,
        r.actor,
        r.by,
        r.reason,
        r.engagedAt,
        r.flatten,
        JSON.stringify(r.closes),
      ],
    );
  }

  async halt(haltId: string): Promise<HaltRecord[]> {
    const { rows } = await this.#sql.query<Row>(
      'select * from kill_switch_halts where halt_id = $1 order by portfolio_id',
      [haltId],
    );
    return rows.map(fromRow);
  }

  async ofPortfolio(portfolioId: string, limit: number): Promise<HaltRecord[]> {
    const { rows } = await this.#sql.query<Row>(
      `select * from kill_switch_halts where portfolio_id = $1
       order by engaged_at_ms desc, halt_id desc limit $2`,
      [portfolioId, limit],
    );
    return rows.map(fromRow);
  }
}

/** A {@link HaltStore} in memory (one process, tests). */
export class InMemoryHaltStore implements HaltStore {
  readonly #records: HaltRecord[] = [];

  async save(record: HaltRecord): Promise<void> {
    const i = this.#records.findIndex(
      (r) => r.haltId === record.haltId && r.portfolioId === record.portfolioId,
    );
    if (i >= 0) this.#records[i] = record;
    else this.#records.push(record);
  }

  async halt(haltId: string): Promise<HaltRecord[]> {
    return this.#records
      .filter((r) => r.haltId === haltId)
      .sort((a, b) => a.portfolioId.localeCompare(b.portfolioId));
  }

  async ofPortfolio(portfolioId: string, limit: number): Promise<HaltRecord[]> {
    return this.#records
      .filter((r) => r.portfolioId === portfolioId)
      .sort((a, b) => b.engagedAt - a.engagedAt || b.haltId.localeCompare(a.haltId))
      .slice(0, limit);
  }
}
