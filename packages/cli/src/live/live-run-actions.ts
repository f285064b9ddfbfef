/**
 * @module What `tickline live` does to runs over the API: enable, list, show, pause, resume, stop,
 * logs (`--follow` polls the run's logs and prints what is new until Ctrl-C), force exit and
 * stop-entry.
 */
import type { LiveRun, Order } from '@tickline/protocol';
import { apiClient, type ApiCall } from '../api/api-client.ts';
import { iso, num, print, type ApiCommandOptions } from '../api/api-command.ts';
import { parseFeed } from '../feed-syntax.ts';
import { badArgument as bad } from '../cli-errors.ts';
import { alignColumns } from '../columns.ts';
import { parseParams } from '../backtest/backtest-args.ts';
import type { CliIo } from '../io.ts';
import { formatParityCheck } from './live-actions.ts';

/** How often `logs --follow` asks for new lines. @default 2 s */
export const FOLLOW_POLL_MS = 2_000;

const run = (id: string) => `/live-strategies/${encodeURIComponent(id)}`;

/** Runs as a table: id, strategy and version, state, candles, signals, position, last candle. */
export function formatRuns(runs: readonly LiveRun[]): string {
  if (runs.length === 0) return 'no live runs\n';
  const rows = runs.map((r) => [
    r.id,
    `${r.strategyName ?? r.strategyId} v${r.version}`,
    r.state + (r.stopEntry ? ' (stop-entry)' : '') + (r.pause ? `: ${r.pause.code}` : ''),
    String(r.candles),
    String(r.signals),
    // What a force exit would close (negative when short).
    r.positions?.map((p) => `${num(p.quantity)} ${p.symbol}`).join(', ') || 'flat',
    iso(r.lastCandleTime),
  ]);
  const header = ['run', 'strategy', 'state', 'candles', 'signals', 'position', 'last candle'];
  return `${alignColumns(header, rows).join('\n')}\n`;
}

/**
 * One run: its table row, its settled candle, why it is paused, its latest parity check, its last
 * signals.
 */
export function formatRun(r: LiveRun): string {
  const lines = [formatRuns([r]).trimEnd()];
  // The last candle claimed may still have its orders going out; the settled one has them placed.
  if (r.settledCandleTime !== undefined)
    lines.push('', `settled candle ${iso(r.settledCandleTime)} (decided, its orders at the desk)`);
  if (r.pause) lines.push('', `paused ${iso(r.pause.at)} (${r.pause.code}): ${r.pause.reason}`);
  if (r.parity) lines.push('', formatParityCheck(r.parity));
  if (r.lastSignals.length > 0) {
    lines.push('', 'last signals:');
    for (const s of r.lastSignals.slice(-5))
      lines.push(
        `  ${iso(s.candleCloseTime)}  ${s.side} ${s.type} ${s.symbol} ${num(s.quantity)}  ${s.reason}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** Orders as a table: when, symbol, side, type, quantity, status, filled at. */
export function formatOrders(orders: readonly Order[]): string {
  if (orders.length === 0) return 'no orders\n';
  const rows = orders.map((o) => [
    iso(o.updatedAt),
    o.symbol,
    o.side,
    o.type,
    num(o.quantity),
    o.status + (o.rejectReason ? ` (${o.rejectReason})` : ''),
    o.filledQuantity > 0 ? num(o.filledQuote / o.filledQuantity) : '—',
    num(o.fills.reduce((sum, f) => sum + f.fee, 0)),
    o.origin?.kind === 'strategy' ? `strategy ${o.origin.strategyId}` : (o.origin?.kind ?? ''),
  ]);
  const head = ['updated', 'symbol', 'side', 'type', 'quantity', 'status', 'avg price', 'fee', 'origin'];
  return `${alignColumns(head, rows).join('\n')}\n`;
}

export interface EnableOptions extends ApiCommandOptions {
  strategy: string;
  version: string;
  portfolio?: string;
  feed: string[];
  param?: string[];
  warmup?: string;
}

const positiveInt = (name: string, text: string): number => {
  if (!/^[1-9]\d*$/.test(text)) throw bad(`${name} must be a positive integer, got ${text}`);
  return Number(text);
};

/** The portfolio to act in: `--portfolio`, else the caller's first one. */
export async function portfolioOf(call: ApiCall, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  const { portfolios } = await call<{ portfolios: Array<{ portfolioId: string }> }>('GET', '/portfolios');
  const first = portfolios[0]?.portfolioId;
  if (first === undefined)
    throw bad('you have no portfolio yet: sign in to the dashboard once, or name --portfolio');
  return first;
}

export async function liveEnable(io: CliIo, o: EnableOptions, fetchFn?: typeof fetch): Promise<void> {
  const feeds = o.feed.map(parseFeed).map(({ symbol, interval, exchange }) => {
    // A live run reads the candles the server collects: its venue is the server's.
    if (exchange !== undefined)
      io.err(`note: live feeds read the server's candles; venue ${exchange} ignored\n`);
    return { symbol, interval };
  });
  if (feeds.length === 0) throw bad('--feed SYMBOL:INTERVAL is needed');
  // Every argument is checked before anything is asked of the server.
  const version = positiveInt('--version', o.version);
  const params = parseParams(o.param);
  const call = apiClient(io, o, fetchFn);
  const body = {
    strategyId: o.strategy,
    version,
    portfolioId: await portfolioOf(call, o.portfolio),
    params,
    feeds,
    ...(o.warmup === undefined ? {} : { warmupBars: Number(o.warmup) }),
  };
  const { run: r } = await call<{ run: LiveRun }>('POST', '/live-strategies', body);
  print(
    io,
    o,
    r,
    () => `enabled live run ${r.id} (strategy ${r.strategyId} version ${r.version})\n${formatRun(r)}`,
  );
}

export async function liveList(io: CliIo, o: ApiCommandOptions, fetchFn?: typeof fetch): Promise<void> {
  const { runs } = await apiClient(io, o, fetchFn)<{ runs: LiveRun[] }>('GET', '/live-strategies');
  print(io, o, runs, () => formatRuns(runs));
}

export async function liveShow(io: CliIo, id: string, o: ApiCommandOptions, fetchFn?: typeof fetch) {
  const { run: r } = await apiClient(io, o, fetchFn)<{ run: LiveRun }>('GET', run(id));
  print(io, o, r, () => formatRun(r));
}

/** `pause`, `resume`: the run after. */
export async function liveChange(
  io: CliIo,
  what: 'pause' | 'resume',
  id: string,
  o: ApiCommandOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  const { run: r } = await apiClient(io, o, fetchFn)<{ run: LiveRun }>('POST', `${run(id)}/${what}`);
  print(io, o, r, () => `${what === 'pause' ? 'paused' : 'resumed'} ${r.id}\n${formatRun(r)}`);
}

export async function liveStop(io: CliIo, id: string, o: ApiCommandOptions, fetchFn?: typeof fetch) {
  await apiClient(io, o, fetchFn)('DELETE', run(id));
  print(io, o, { stopped: id }, () => `stopped ${id} (its working orders stay at the venue)\n`);
}

export async function liveStopEntry(
  io: CliIo,
  id: string,
  o: ApiCommandOptions & { off?: boolean },
  fetchFn?: typeof fetch,
): Promise<void> {
  const on = o.off !== true;
  const { run: r } = await apiClient(io, o, fetchFn)<{ run: LiveRun }>('POST', `${run(id)}/stop-entry`, {
    on,
  });
  print(io, o, r, () =>
    on
      ? `${r.id} is in stop-entry: no new entries, its exits keep running (lift it with --off)\n`
      : `${r.id} takes new entries again\n`,
  );
}

export async function liveForceExit(
  io: CliIo,
  id: string,
  o: ApiCommandOptions & { symbol?: string },
  fetchFn?: typeof fetch,
): Promise<void> {
  const body = o.symbol === undefined ? {} : { symbol: o.symbol.toUpperCase() };
  const { orders } = await apiClient(io, o, fetchFn)<{ orders: Order[] }>(
    'POST',
    `${run(id)}/force-exit`,
    body,
  );
  print(io, o, orders, () =>
    orders.length === 0
      ? `${id} holds no position${o.symbol ? ` in ${o.symbol}` : ''}: nothing to close\n`
      : `force exit of ${id}:\n${formatOrders(orders)}`,
  );
}

/** A run's log lines; `warmup` marks those of its warm-up on stored history. */
type LogLines = Array<{ time: number; text: string; warmup?: true }>;

/** Prints the run's logs (warm-up lines marked); with `follow`, polls for new lines until interrupted. */
export async function liveLogs(
  io: CliIo,
  id: string,
  o: ApiCommandOptions & { follow?: boolean },
  fetchFn?: typeof fetch,
  pollMs: number = FOLLOW_POLL_MS,
): Promise<void> {
  const call = apiClient(io, o, fetchFn);
  let after = Number.NEGATIVE_INFINITY;
  let seenAtLast = new Set<string>();
  const show = (logs: LogLines) => {
    // Lines are kept in time order; those at the newest time already shown are told by their text.
    const fresh = logs.filter((l) => l.time > after || (l.time === after && !seenAtLast.has(l.text)));
    for (const l of fresh)
      io.out(o.json ? `${JSON.stringify(l)}\n` : `${iso(l.time)}  ${l.warmup ? 'warm-up  ' : ''}${l.text}\n`);
    const newest = logs.at(-1)?.time;
    if (newest !== undefined && newest >= after) {
      seenAtLast = new Set([
        ...(newest === after ? seenAtLast : []),
        ...logs.filter((l) => l.time === newest).map((l) => l.text),
      ]);
      after = newest;
    }
  };
  show((await call<{ logs: LogLines }>('GET', `${run(id)}/logs`)).logs);
  const stop = io.interrupted;
  while (o.follow && !stop?.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      stop?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    if (stop?.aborted) break;
    show((await call<{ logs: LogLines }>('GET', `${run(id)}/logs`)).logs);
  }
}
