/**
 * @module Corporate actions in SQL (`market_corporate_actions`, migration 0093): stored once per
 * symbol, kind and ex date, each import a data version; a split the stored prices contradict is
 * stored `flagged` with its reason and never applied. Reads as of a version see only the actions
 * stored by then.
 */
import type { Sql, SqlQueryable } from '@tickline/store';
import { calendarOfSymbol } from '../calendars/registry.ts';
import { zonedTimeToUtc } from '../calendars/zoned-time.ts';
import type { CandleInterval } from '../port/market-message.ts';
import { queryCandles } from '../storage/queries.ts';
import { closeDataVersion, DataVersionKind, openDataVersion } from '../versions/data-versions.ts';
import { CorporateActionKind, splitContradiction, type CorporateAction } from './adjust.ts';

/** An action to store, as a provider or an import gives it. */
export type CorporateActionInput =
  | { kind: 'split'; exDate: string; ratio: number }
  | { kind: 'dividend'; exDate: string; amount: number };

/** What {@link storeCorporateActions} did. */
export interface StoreCorporateActionsResult {
  /** The data version (null when every action was stored already). */
  version: number | null;
  stored: CorporateAction[];
  /** Actions already stored for the same symbol, kind and ex date (kept as they were). */
  duplicates: number;
}

/** The first instant of `exDate` on the symbol's exchange (UTC midnight for a pair). */
export function exTimeOf(symbol: string, exDate: string): number {
  return zonedTimeToUtc(exDate, '00:00', calendarOfSymbol(symbol)?.timeZone ?? 'UTC');
}

// Intervals a split is checked on, coarsest first: a daily bar's close and the next one's open
// are the prices on either side of the ex date.
const CHECK_INTERVALS: readonly CandleInterval[] = ['1d', '1h', '1m'];

/** The close of the last candle before `exTime` and the open of the first at or after it, on the coarsest interval stored. */
async function pricesAround(
  sql: SqlQueryable,
  symbol: string,
  exTime: number,
  asOfVersion?: number,
): Promise<{ before: number; after: number } | undefined> {
  const at = asOfVersion === undefined ? {} : { asOfVersion };
  for (const interval of CHECK_INTERVALS) {
    const [before] = await queryCandles(sql, { symbol, interval, to: exTime, limit: 1, ...at });
    if (!before) continue;
    const [after] = await queryCandles(sql, { symbol, interval, from: exTime, limit: 1, ...at });
    if (after) return { before: before.close, after: after.open };
  }
  return undefined;
}

/** The close before `exTime` on `interval` (what a dividend's factor divides by). */
export async function closeBefore(
  sql: SqlQueryable,
  symbol: string,
  interval: CandleInterval,
  exTime: number,
  asOfVersion?: number,
): Promise<number | undefined> {
  const [before] = await queryCandles(sql, {
    symbol,
    interval,
    to: exTime,
    limit: 1,
    ...(asOfVersion === undefined ? {} : { asOfVersion }),
  });
  return before?.close;
}

/**
 * Stores `actions` of `symbol` from `source` (`alpaca`, `import`) as one data version, checking
 * each split against the stored prices. An action already stored (symbol, kind, ex date) is kept.
 */
export async function storeCorporateActions(
  sql: Sql,
  symbol: string,
  actions: readonly CorporateActionInput[],
  source: string,
): Promise<StoreCorporateActionsResult> {
  return sql.transaction(async (tx) => {
    const version = await openDataVersion(tx, { symbol, kind: DataVersionKind.CorporateActions, source });
    const stored: CorporateAction[] = [];
    for (const action of actions) {
      const exTime = exTimeOf(symbol, action.exDate);
      let reason: string | null = null;
      if (action.kind === CorporateActionKind.Split) {
        const prices = await pricesAround(tx, symbol, exTime);
        reason = prices ? splitContradiction(action.ratio, prices.before, prices.after) : null;
      } else {
        const close = await closeBefore(tx, symbol, '1d', exTime);
        if (close !== undefined && action.amount >= close)
          reason = `a dividend of ${action.amount} is not below the close ${close} before its ex date`;
      }
      const { rows } = await tx.query<ActionRow>(
        `insert into market_corporate_actions (symbol, kind, ex_date, ex_time, ratio, amount, source, status, reason, data_version)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (symbol, kind, ex_date) do nothing returning *`,
        [
          symbol,
          action.kind,
          action.exDate,
          exTime,
          action.kind === 'split' ? action.ratio : null,
          action.kind === 'dividend' ? action.amount : null,
          source,
          reason === null ? 'applied' : 'flagged',
          reason,
          version,
        ],
      );
      if (rows[0]) stored.push(actionFrom(rows[0]));
    }
    await closeDataVersion(tx, version, { count: stored.length, firstOpen: null, lastOpen: null });
    return { version: stored.length > 0 ? version : null, stored, duplicates: actions.length - stored.length };
  });
}

interface ActionRow {
  id: number | string;
  symbol: string;
  kind: CorporateAction['kind'];
  ex_date: string;
  ex_time: number | string;
  ratio: number | null;
  amount: number | null;
  source: string;
  status: CorporateAction['status'];
  reason: string | null;
  data_version: number | string;
}

const actionFrom = (r: ActionRow): CorporateAction => ({
  id: Number(r.id),
  symbol: r.symbol,
  kind: r.kind,
  exDate: r.ex_date,
  exTime: Number(r.ex_time),
  ratio: r.ratio,
  amount: r.amount,
  source: r.source,
  status: r.status,
  reason: r.reason,
  dataVersion: Number(r.data_version),
});

/** A symbol's actions by ex date, as of a data version when given. */
export async function listCorporateActions(
  sql: SqlQueryable,
  symbol: string,
  asOfVersion?: number,
): Promise<CorporateAction[]> {
  const { rows } = await sql.query<ActionRow>(
    `select * from market_corporate_actions where symbol = $1 and ($2::bigint is null or data_version <= $2::bigint)
     order by ex_time, kind`,
    [symbol, asOfVersion ?? null],
  );
  return rows.map(actionFrom);
}
