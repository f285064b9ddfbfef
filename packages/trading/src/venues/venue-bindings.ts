/**
 * @module Which venue each portfolio trades at, in SQL: `portfolio_venues` (migration 0060) says a
 * portfolio is bound to a live venue and what the venue reported of its key; the sealed key is in
 * `broker_credentials` (0009), written in the same transaction. No row: paper. Reads are cached
 * for {@link VENUE_CACHE_TTL_MS} per portfolio, as the risk controls are, so every order can ask
 * and a bind made through another process applies here within that time.
 */
import type { Sql } from '@tickline/store';
import type { KeyPermissions } from '../broker/binance/permissions.ts';
import type { SealedVenueCredentials } from '../broker/credentials.ts';
import { findSealedCredentials, saveSealedCredentials } from '../broker/sql/sql-credentials.ts';
import { PAPER_VENUE } from '../paper/paper-broker.ts';

/** How long a read binding is trusted before it is read again. */
export const VENUE_CACHE_TTL_MS = 1_000;

/** A portfolio's venue as stored. */
export interface VenueBinding {
  portfolioId: string;
  /** `paper`, or the live venue the portfolio is bound to. */
  venue: string;
  /** Last four characters of the bound key (never the key). */
  apiKeyHint?: string;
  /** What the venue reported of the key at bind time. */
  permissions?: KeyPermissions;
  boundBy?: string;
  /** Epoch ms. */
  boundAt?: number;
}

/** See the module comment. */
export class VenueBindings {
  readonly #sql: Sql;
  readonly #now: () => number;
  readonly #cache = new Map<string, { venue: string; readAt: number }>();

  constructor(sql: Sql, now: () => number) {
    this.#sql = sql;
    this.#now = now;
  }

  /** The venue `portfolioId` trades at now (`paper` without a binding). */
  async venueOf(portfolioId: string): Promise<string> {
    const cached = this.#cache.get(portfolioId);
    if (cached !== undefined && this.#now() - cached.readAt < VENUE_CACHE_TTL_MS) return cached.venue;
    const { rows } = await this.#sql.query<{ venue: string }>(
      'select venue from portfolio_venues where portfolio_id = $1',
      [portfolioId],
    );
    const venue = rows[0]?.venue ?? PAPER_VENUE;
    this.#cache.set(portfolioId, { venue, readAt: this.#now() });
    return venue;
  }

  /** The binding as the API shows it. */
  async get(portfolioId: string): Promise<VenueBinding> {
    const { rows } = await this.#sql.query<{
      venue: string;
      permissions: KeyPermissions;
      bound_by: string;
      bound_at: Date;
      api_key_hint: string | null;
    }>(
      `select v.venue, v.permissions, v.bound_by, v.bound_at, c.api_key_hint
       from portfolio_venues v
       left join broker_credentials c on c.portfolio_id = v.portfolio_id and c.venue = v.venue
       where v.portfolio_id = $1`,
      [portfolioId],
    );
    const row = rows[0];
    if (row === undefined) return { portfolioId, venue: PAPER_VENUE };
    return {
      portfolioId,
      venue: row.venue,
      ...(row.api_key_hint === null ? {} : { apiKeyHint: row.api_key_hint }),
      permissions: row.permissions,
      boundBy: row.bound_by,
      boundAt: new Date(row.bound_at).getTime(),
    };
  }

  /** Portfolios bound to `venue`. */
  async boundTo(venue: string): Promise<string[]> {
    const { rows } = await this.#sql.query<{ portfolio_id: string }>(
      'select portfolio_id from portfolio_venues where venue = $1 order by portfolio_id',
      [venue],
    );
    return rows.map((r) => r.portfolio_id);
  }

  /** The sealed key `portfolioId` is bound with at `venue`. */
  credentials(portfolioId: string, venue: string): Promise<SealedVenueCredentials | undefined> {
    return findSealedCredentials(this.#sql, portfolioId, venue);
  }

  /** Binds `portfolioId` to `venue` with `sealed` (replacing an earlier key), in one transaction. */
  async bind(
    portfolioId: string,
    sealed: SealedVenueCredentials,
    permissions: KeyPermissions,
    by: string,
  ): Promise<void> {
    const at = new Date(this.#now());
    await this.#sql.transaction(async (tx) => {
      await saveSealedCredentials(tx, portfolioId, sealed, at);
      await tx.query(
        `insert into portfolio_venues (portfolio_id, venue, permissions, bound_by, bound_at)
         values ($1, $2, $3::jsonb, $4, $5)
         on conflict (portfolio_id) do update set venue = excluded.venue,
           permissions = excluded.permissions, bound_by = excluded.bound_by, bound_at = excluded.bound_at`,
        [portfolioId, sealed.venue, JSON.stringify(permissions), by, at],
      );
    });
    this.#cache.delete(portfolioId);
  }

  /** Back to paper: the binding and every stored key of the portfolio are deleted. */
  async unbind(portfolioId: string): Promise<void> {
    await this.#sql.transaction(async (tx) => {
      await tx.query('delete from portfolio_venues where portfolio_id = $1', [portfolioId]);
      await tx.query('delete from broker_credentials where portfolio_id = $1', [portfolioId]);
    });
    this.#cache.delete(portfolioId);
  }
}
