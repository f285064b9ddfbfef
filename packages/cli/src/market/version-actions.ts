/**
 * @module `tickline market versions SYMBOL` (a symbol's data versions, newest first) and
 * `tickline market actions SYMBOL` (its splits and cash dividends; `--fetch` asks the provider and
 * `--import FILE` stores a JSON list, both as an admin). Everything goes through the server's API.
 */
import { readFile } from 'node:fs/promises';
import type { CorporateActionView, DataVersionView } from '@tickline/protocol';
import { badArgument } from '../cli-errors.ts';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';
import { apiClient, type ApiOptions } from '../api/api-client.ts';
import { serverApi } from './history-over-api.ts';

export interface VersionsOptions extends ApiOptions {
  config?: string;
  json?: boolean;
  interval?: string;
  limit?: string;
}

export interface ActionsOptions extends ApiOptions {
  config?: string;
  json?: boolean;
  /** Ask the symbol's provider (Alpaca) for ex dates in [start, end]. */
  fetch?: boolean;
  start?: string;
  end?: string;
  /** A JSON file: `[{kind: split, exDate, ratio} | {kind: dividend, exDate, amount}]`. */
  import?: string;
  source?: string;
}

const minute = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));
const path = (symbol: string, rest: string) => `/markets/${encodeURIComponent(symbol)}/${rest}`;

/** The versions as aligned columns. */
export function formatVersions(versions: readonly DataVersionView[]): string {
  if (versions.length === 0) return 'no data versions\n';
  const head = ['version', 'kind', 'source', 'interval', 'changed', 'from', 'to', 'at'];
  const rows = versions.map((v) => [
    String(v.id),
    v.kind,
    v.source,
    v.interval ?? 'all',
    String(v.changed),
    minute(v.firstOpen),
    minute(v.lastOpen),
    minute(v.createdAt),
  ]);
  return `${alignColumns(head, rows).join('\n')}\n`;
}

/** The actions as aligned columns; a flagged one with its reason. */
export function formatActions(actions: readonly CorporateActionView[]): string {
  if (actions.length === 0) return 'no corporate actions\n';
  const head = ['ex date', 'kind', 'ratio/amount', 'status', 'source', 'version'];
  const rows = actions.map((a) => [
    a.exDate,
    a.kind,
    String(a.kind === 'split' ? a.ratio : a.amount),
    a.status === 'flagged' ? `flagged: ${a.reason ?? ''}` : a.status,
    a.source,
    String(a.dataVersion),
  ]);
  return `${alignColumns(head, rows).join('\n')}\n`;
}

/** `market versions SYMBOL`. */
export async function listVersionsCommand(io: CliIo, symbol: string, o: VersionsOptions, fetchFn?: typeof fetch): Promise<void> {
  const call = apiClient(io, serverApi(io, o.config, o), fetchFn);
  const query = new URLSearchParams();
  if (o.interval) query.set('interval', o.interval);
  if (o.limit) query.set('limit', o.limit);
  const { versions } = await call<{ versions: DataVersionView[] }>('GET', `${path(symbol, 'versions')}?${query}`);
  io.out(o.json ? `${JSON.stringify({ symbol, versions })}\n` : formatVersions(versions));
}

/** `market actions SYMBOL [--fetch --start --end | --import FILE]`. */
export async function actionsCommand(io: CliIo, symbol: string, o: ActionsOptions, fetchFn?: typeof fetch): Promise<void> {
  if (o.fetch && o.import) throw badArgument('--fetch and --import are mutually exclusive');
  const call = apiClient(io, serverApi(io, o.config, o), fetchFn);
  if (o.fetch || o.import) {
    let body: object;
    if (o.fetch) {
      if (!o.start || !o.end) throw badArgument('--fetch needs --start and --end (YYYY-MM-DD)');
      body = { start: o.start, end: o.end };
    } else {
      let actions: unknown;
      try {
        actions = JSON.parse(await readFile(o.import!, 'utf8'));
      } catch (error) {
        throw badArgument(`--import ${o.import}: ${(error as Error).message}`);
      }
      body = { actions, ...(o.source ? { source: o.source } : {}) };
    }
    const stored = await call<{ version: number | null; stored: CorporateActionView[]; duplicates: number }>(
      'POST',
      path(symbol, o.fetch ? 'corporate-actions/fetch' : 'corporate-actions'),
      body,
    );
    if (o.json) return io.out(`${JSON.stringify({ symbol, ...stored })}\n`);
    const version = stored.version === null ? 'no new data version' : `data version ${stored.version}`;
    io.out(`${symbol}: ${stored.stored.length} stored, ${stored.duplicates} already held (${version})\n`);
    if (stored.stored.length > 0) io.out(formatActions(stored.stored));
    return;
  }
  const { actions } = await call<{ actions: CorporateActionView[] }>('GET', path(symbol, 'corporate-actions'));
  io.out(o.json ? `${JSON.stringify({ symbol, actions })}\n` : formatActions(actions));
}
