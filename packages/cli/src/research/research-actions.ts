/**
 * @module What `tickline research run|status|cancel|use` do: queue a research run on a running
 * server, follow its progress with a bar on standard error, print a summary of the report
 * (or `--json`: the whole report, for scripts), and use one of its parameter sets.
 */
import { CliError } from '../cli-errors.ts';
import { parseParams } from '../backtest/backtest-args.ts';
import { parseFeed } from '../feed-syntax.ts';
import { progressBar } from '../progress-bar.ts';
import type { CliIo } from '../io.ts';
import { apiClient, type ApiCall, type ApiOptions } from '../api/api-client.ts';

export interface ResearchRunOptions extends ApiOptions {
  kind: string;
  strategy: string;
  version?: string;
  /** `SYMBOL:INTERVAL[:EXCHANGE]`, repeatable. */
  feed: string[];
  from: string;
  to: string;
  /** `name=v1,v2,…`, repeatable. */
  grid?: string[];
  param?: string[];
  objective?: string;
  inSample?: string;
  outSample?: string;
  step?: string;
  warmup?: string;
  points?: string;
  samples?: string;
  seed?: string;
  priorTrials?: string;
  wait?: boolean;
  json?: boolean;
  pollMs?: string;
}

interface Run {
  id: string;
  kind: string;
  status: string;
  progress: number;
  error: { code: string; message: string } | null;
  /** The server's preflight estimate (absent from servers before it). */
  estimate?: { summary: string } | null;
}
interface Detail {
  research: Run;
  report: Record<string, any> | null;
}

const bad = (message: string): CliError => new CliError('SERVER_INVALID_ARGUMENT', message);
const int = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw bad(`${name}: expected an integer, got ${v}`);
  return n;
};
const instant = (v: string): string | number => (/^\d+$/.test(v) ? Number(v) : new Date(v).toISOString());

/** `--grid fast=5,10 --grid slow=30,40` → `{ fast: [5, 10], slow: [30, 40] }`. */
export function parseGrid(pairs: readonly string[] = []): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw bad(`--grid: expected name=v1,v2,…, got ${pair}`);
    const name = pair.slice(0, at);
    out[name] = pair
      .slice(at + 1)
      .split(',')
      .map((v) => parseParams([`${name}=${v}`])[name]);
  }
  return out;
}

function requestBody(o: ResearchRunOptions): Record<string, unknown> {
  const common = {
    strategyId: o.strategy,
    ...(o.version ? { version: int('--version', o.version) } : {}),
    feeds: o.feed.map(parseFeed),
    from: instant(o.from),
    to: instant(o.to),
    params: parseParams(o.param),
  };
  if (o.kind === 'lookahead')
    return { kind: o.kind, ...common, ...(o.points ? { points: int('--points', o.points) } : {}) };
  const search = {
    grid: parseGrid(o.grid),
    ...(o.objective ? { objective: o.objective } : {}),
    ...(o.priorTrials ? { priorTrials: int('--prior-trials', o.priorTrials) } : {}),
  };
  if (o.kind === 'search') {
    return {
      kind: o.kind,
      ...common,
      ...search,
      ...(o.samples ? { samples: int('--samples', o.samples) } : {}),
      ...(o.seed ? { seed: int('--seed', o.seed) } : {}),
    };
  }
  if (o.kind === 'walk-forward') {
    return {
      kind: o.kind,
      ...common,
      ...search,
      inSampleBars: int('--in-sample', o.inSample),
      outSampleBars: int('--out-sample', o.outSample),
      ...(o.step ? { stepBars: int('--step', o.step) } : {}),
      ...(o.warmup ? { warmupBars: int('--warmup', o.warmup) } : {}),
    };
  }
  throw bad(`--kind: expected lookahead, walk-forward or search, got ${o.kind}`);
}

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(2)} %`;
const num = (v: number | null | undefined, d = 4): string =>
  v === null || v === undefined ? '–' : v.toFixed(d);

/** The recursive check: its verdict, then per series the warm-up it needs. */
function recursiveLines(r: Record<string, any>): string[] {
  const histories = (r.histories as number[]).join(', ');
  if (r.series === 0) return [`recursive: no ctx.plot series to compare (histories ${histories} bars)`];
  const head = `recursive: ${r.ok ? 'clean' : `${r.differences.length} differences`} over ${r.series} plotted series, histories ${histories} bars`;
  const settled = Object.entries(r.settledFrom as Record<string, number | null>)
    .filter(([series]) => (r.differences as Array<{ series: string }>).some((d) => d.series === series))
    .map(
      ([series, from]) =>
        `  ${series}: ${from === null ? `differs even with ${r.histories.at(-1)} bars` : `needs ${from} bars of warm-up`}`,
    );
  return [head, ...settled];
}

/** A few lines a person reads: the verdict of each part and the overfitting measures. */
export function formatReport(detail: Detail): string {
  const { research: run, report } = detail;
  const lines = [`research ${run.id} (${run.kind}): ${run.status}`];
  if (run.error) lines.push(`error: ${run.error.message} [${run.error.code}]`);
  if (!report) return `${lines.join('\n')}\n`;
  if (report.lookahead) {
    const l = report.lookahead;
    lines.push(
      `look-ahead: ${l.ok ? 'clean' : `${l.differences.length} differences`} over ${l.cutoffs.length} cut points, ${l.signals} orders`,
    );
  }
  if (report.recursive) lines.push(...recursiveLines(report.recursive));
  if (report.walkForward) {
    const w = report.walkForward;
    lines.push(
      `walk-forward: ${w.windows.length} windows, out-of-sample return ${pct(w.totalReturn)}, max drawdown ${pct(w.maxDrawdown)}, per-bar Sharpe ${num(w.outOfSampleBarSharpe)}`,
    );
  }
  const o = report.overfitting;
  const prior = (o.priorTrials as number | undefined) ?? 0;
  if (report.search) {
    const b = report.search.best;
    lines.push(
      `best of ${o.deflatedSharpe.trials - prior}: ${JSON.stringify(b.params)} score ${num(b.score)} return ${pct(b.totalReturn)}`,
    );
  }
  // Prior trials are the declared ones plus those the server's trial registry counted before the job.
  const registered = (report.trialRegistry?.registered as number | undefined) ?? 0;
  const declared = prior - registered;
  const before = [
    ...(declared > 0 ? [`${declared} declared`] : []),
    ...(registered > 0 ? [`${registered} tried before on this strategy and market`] : []),
  ];
  const counted = prior > 0 ? `, ${o.deflatedSharpe.trials} trials of which ${before.join(' and ')}${registered > 0 ? '' : ' before'}` : '';
  lines.push(
    `deflated Sharpe ratio: ${num(o.deflatedSharpe.value)} (benchmark per-bar SR ${num(o.deflatedSharpe.benchmark)}${counted})`,
  );
  lines.push(
    `probability of backtest overfitting: ${o.pbo ? `${num(o.pbo.value)} over ${o.pbo.splits} splits` : `n/a (${o.pboNote})`}`,
  );
  return `${lines.join('\n')}\n`;
}

async function follow(io: CliIo, call: ApiCall, id: string, pollMs: number, json: boolean): Promise<number> {
  const bar = progressBar(io, 'research');
  for (;;) {
    const detail = await call<Detail>('GET', `/research/${id}`);
    bar.update(Math.round(detail.research.progress * 100), 100);
    if (!['queued', 'running'].includes(detail.research.status)) {
      bar.finish();
      io.out(json ? `${JSON.stringify(detail)}\n` : formatReport(detail));
      return detail.research.status === 'succeeded' ? 0 : 1;
    }
    if (io.interrupted?.aborted) {
      bar.finish();
      io.err(`stopped following; the run goes on: tickline research status ${id}\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function runResearchCommand(
  io: CliIo,
  o: ResearchRunOptions,
  fetchFn?: typeof fetch,
): Promise<number> {
  const call = apiClient(io, o, fetchFn);
  const created = await call<{ research: Run }>('POST', '/research', requestBody(o));
  const id = created.research.id;
  io.err(`queued research ${id}\n`);
  if (created.research.estimate) io.err(`estimate: ${created.research.estimate.summary}\n`);
  if (o.wait === false) {
    io.out(o.json ? `${JSON.stringify(created)}\n` : `${id}\n`);
    return 0;
  }
  return follow(io, call, id, int('--poll-ms', o.pollMs) ?? 500, o.json === true);
}

export async function researchStatusCommand(
  io: CliIo,
  id: string,
  o: ApiOptions & { json?: boolean },
  fetchFn?: typeof fetch,
): Promise<number> {
  const detail = await apiClient(io, o, fetchFn)<Detail>('GET', `/research/${id}`);
  io.out(o.json ? `${JSON.stringify(detail)}\n` : formatReport(detail));
  return 0;
}

export async function researchCancelCommand(
  io: CliIo,
  id: string,
  o: ApiOptions,
  fetchFn?: typeof fetch,
): Promise<number> {
  const r = await apiClient(io, o, fetchFn)<{ research: Run }>('POST', `/research/${id}/cancel`);
  io.out(`research ${id}: ${r.research.status}\n`);
  return 0;
}

export interface ResearchUseOptions extends ApiOptions {
  /** The set's rank in the report (1: the best). */
  rank?: string;
  /** Queue a backtest of the set instead of saving a version. */
  backtest?: boolean;
  json?: boolean;
}

/** `POST /research/{id}/use`: the set at `--rank` as the next version, or (`--backtest`) a backtest. */
export async function researchUseCommand(
  io: CliIo,
  id: string,
  o: ResearchUseOptions,
  fetchFn?: typeof fetch,
): Promise<number> {
  const rank = int('--rank', o.rank) ?? 1;
  const used = await apiClient(io, o, fetchFn)<{
    params: Record<string, unknown>;
    version?: { strategyId: string; version: number };
    backtest?: { id: string; status: string };
  }>('POST', `/research/${id}/use`, { rank, as: o.backtest ? 'backtest' : 'version' });
  if (o.json) io.out(`${JSON.stringify(used)}\n`);
  else if (used.version)
    io.out(
      `saved ${JSON.stringify(used.params)} as version ${used.version.version} of strategy ${used.version.strategyId}\n`,
    );
  else io.out(`queued backtest ${used.backtest!.id} of ${JSON.stringify(used.params)}\n`);
  return 0;
}
