/**
 * @module Alpaca corporate actions: `GET /v1/corporate-actions?symbols=AAPL&types=forward_split,
 * reverse_split,cash_dividend&start=YYYY-MM-DD&end=YYYY-MM-DD&limit=1000`, authenticated and rate
 * limited as every Alpaca REST call (rest.ts), paged by `page_token` = the previous answer's
 * `next_page_token` until it is null. An answer is `{"corporate_actions": {"forward_splits": […],
 * "reverse_splits": […], "cash_dividends": […]}, "next_page_token": …}`; a split's ratio is
 * `new_rate / old_rate` (shares after per share before), a cash dividend's amount its `rate`.
 */
import type { CorporateActionInput } from '../../corporate-actions/actions-store.ts';
import { toVenueSymbol } from '../../normalize/symbols.ts';
import { MalformedFrameError, requireObject } from '../network/frame-fields.ts';
import { ALPACA_REST_URL } from './config.ts';
import { createAlpacaFetch, type AlpacaFetchOptions } from './rest.ts';

/** Actions per page (Alpaca's maximum). */
export const ALPACA_ACTIONS_LIMIT = 1_000;
/** Pages followed at most: a symbol has a few actions a year, so more means a looping token. */
const MAX_PAGES = 50;
const TYPES = 'forward_split,reverse_split,cash_dividend';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Options for {@link fetchAlpacaCorporateActions}. */
export interface AlpacaCorporateActionsOptions extends AlpacaFetchOptions {
  /** @default ALPACA_REST_URL */
  restUrl?: string;
  /** Actions per page. @default ALPACA_ACTIONS_LIMIT */
  pageLimit?: number;
}

function field(row: Record<string, unknown>, name: string, kind: 'number' | 'date'): number | string {
  const value = row[name];
  if (kind === 'number' ? typeof value === 'number' && Number.isFinite(value) && value > 0 : typeof value === 'string' && DATE.test(value))
    return value as number | string;
  throw new MalformedFrameError(`corporate action: ${name} is not a ${kind === 'number' ? 'positive number' : 'date'}`);
}

const rows = (group: unknown, name: string): Array<Record<string, unknown>> => {
  if (group === undefined || group === null) return [];
  if (!Array.isArray(group)) throw new MalformedFrameError(`corporate_actions.${name} is not an array`);
  return group.map((row) => requireObject(row, name));
};

/** Decodes one answer's actions (splits and cash dividends) for `symbol`. */
export function decodeAlpacaCorporateActions(answer: unknown): CorporateActionInput[] {
  const actions = requireObject(requireObject(answer, 'corporate actions answer').corporate_actions, 'corporate_actions');
  const out: CorporateActionInput[] = [];
  for (const name of ['forward_splits', 'reverse_splits'] as const)
    for (const row of rows(actions[name], name))
      out.push({
        kind: 'split',
        exDate: field(row, 'ex_date', 'date') as string,
        ratio: (field(row, 'new_rate', 'number') as number) / (field(row, 'old_rate', 'number') as number),
      });
  for (const row of rows(actions.cash_dividends, 'cash_dividends'))
    out.push({ kind: 'dividend', exDate: field(row, 'ex_date', 'date') as string, amount: field(row, 'rate', 'number') as number });
  return out;
}

/**
 * The splits and cash dividends of `symbol` (`AAPL.US`) with an ex date in `[start, end]`
 * (`YYYY-MM-DD`), oldest first. @throws MalformedFrameError on an answer not of that shape; an
 * HTTP error as Error with the status
 */
export async function fetchAlpacaCorporateActions(
  options: AlpacaCorporateActionsOptions,
  symbol: string,
  range: { start: string; end: string },
): Promise<CorporateActionInput[]> {
  const get = createAlpacaFetch(options);
  const query = new URLSearchParams({
    symbols: toVenueSymbol('alpaca', symbol),
    types: TYPES,
    start: range.start,
    end: range.end,
    limit: String(options.pageLimit ?? ALPACA_ACTIONS_LIMIT),
  });
  const out: CorporateActionInput[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await get(`${options.restUrl ?? ALPACA_REST_URL}/v1/corporate-actions?${query}`);
    if (!response.ok) throw new Error(`Alpaca corporate actions: HTTP ${response.status} ${await response.text()}`);
    const answer: unknown = await response.json();
    out.push(...decodeAlpacaCorporateActions(answer));
    const next = (answer as { next_page_token?: unknown }).next_page_token;
    if (typeof next !== 'string' || next === '') return out.sort((a, b) => a.exDate.localeCompare(b.exDate));
    query.set('page_token', next);
  }
  throw new MalformedFrameError(`more than ${MAX_PAGES} pages of corporate actions`);
}
