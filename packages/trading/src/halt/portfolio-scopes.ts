/**
 * @module The portfolios a kill switch over a venue or over everything covers, in SQL: every
 * portfolio (`portfolios`), and those bound to a venue (`portfolio_venues`; `paper` is every
 * portfolio bound to none).
 */
import type { Sql } from '@tickline/store';
import { PAPER_VENUE } from '../paper/paper-broker.ts';

/** Which portfolios a venue's or every portfolio's scope covers. */
export interface PortfolioScopes {
  /** Portfolios trading at `venue` (`paper`: bound to no live venue). */
  onVenue(venue: string): Promise<string[]>;
  all(): Promise<string[]>;
}

export function sqlPortfolioScopes(sql: Sql): PortfolioScopes {
  const ids = async (text: string, params: string[] = []) =>
    (await sql.query<{ portfolio_id: string }>(text, params)).rows.map((r) => r.portfolio_id);
  return {
    onVenue: (venue) =>
      venue === PAPER_VENUE
        ? ids(
            `select p.portfolio_id from portfolios p
             where not exists (select 1 from portfolio_venues v where v.portfolio_id = p.portfolio_id)
             order by p.portfolio_id`,
          )
        : ids('select portfolio_id from portfolio_venues where venue = $1 order by portfolio_id', [venue]),
    all: () => ids('select portfolio_id from portfolios order by portfolio_id'),
  };
}
