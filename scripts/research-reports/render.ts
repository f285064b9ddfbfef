/**
 * @module Markdown of the template research reports: one page per template (every feed set it
 * was run on) and the summary table in docs/research-reports/README.md, written between two
 * markers so the prose around it stays the author's.
 */
import type { StrategyTemplate } from '@tickline/protocol';
import { gridSize, PROTOCOL, RANGE, type PriorTrials, type ReportSpec } from './protocol.ts';

type Json = Record<string, any>;

export interface ReportRun {
  spec: ReportSpec;
  template: StrategyTemplate;
  /** `GET /research/{id}` of the look-ahead run. */
  lookahead: Json;
  /** `GET /research/{id}` of the walk-forward run. */
  walkForward: Json;
  /** `GET /strategies/{id}/versions/1/gate`'s `gate`. */
  gate: Json;
  /** The trials outside the grid the walk-forward declared (its `priorTrials`). */
  prior: PriorTrials[];
}

const BEGIN = '<!-- research-reports:begin -->';
const END = '<!-- research-reports:end -->';

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`;
const num = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const feedsOf = (spec: ReportSpec): string => spec.feeds.map((f) => `${f.symbol} ${f.interval}`).join(' + ');
const params = (p: Record<string, unknown>): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
const verdict = (gate: Json): string => (gate.passed ? '**passed**' : '**refused**');

function checkValue(check: Json): string {
  if (typeof check.value === 'boolean') return check.value ? 'yes' : 'no';
  return num(check.value as number | null);
}

const CHECK_NAMES: Record<string, string> = {
  lookahead: 'look-ahead check clean',
  walkForward: 'a walk-forward report exists',
  outOfSampleSharpe: 'out-of-sample per-bar Sharpe ≥',
  deflatedSharpe: 'deflated Sharpe ratio ≥',
  pbo: 'probability of backtest overfitting ≤',
};

/** The CLI commands that make the same two reports by hand. */
function commands(run: ReportRun): string {
  const feeds = run.spec.feeds.map((f) => `--feed ${f.symbol}:${f.interval}:${f.exchange}`).join(' ');
  const grid = Object.entries(run.spec.grid)
    .map(([k, v]) => `--grid ${k}=${v.join(',')}`)
    .join(' ');
  const range = `--from ${RANGE.from} --to ${RANGE.to}`;
  return [
    '```sh',
    `tickline research run --kind lookahead --strategy $ID ${feeds} ${range} --points ${PROTOCOL.lookaheadPoints}`,
    `tickline research run --kind walk-forward --strategy $ID ${feeds} ${range} \\`,
    `  ${grid} --objective ${PROTOCOL.objective} --in-sample ${PROTOCOL.inSampleBars} --out-sample ${PROTOCOL.outSampleBars} --warmup ${run.spec.warmupBars ?? PROTOCOL.warmupBars} \\`,
    `  --prior-trials ${run.prior.reduce((n, p) => n + p.trials, 0)}`,
    '```',
  ].join('\n');
}

/** The failed checks in words: why the gate refused, or that it passed. */
function because(gate: Json): string {
  const failed = (gate.checks as Json[]).filter((c) => !c.passed);
  if (failed.length === 0) return 'Every check of the gate passed.';
  const words = failed.map((c) =>
    typeof c.value === 'boolean' || c.value === null
      ? (CHECK_NAMES[c.name as string] ?? String(c.name)).replace(/ ≥| ≤/, '') + ': no'
      : `${CHECK_NAMES[c.name as string] ?? c.name} ${num(c.limit as number)}: ${num(c.value as number)}`,
  );
  return `**Refused because** ${words.join('; ')}.`;
}

function section(run: ReportRun): string {
  const look = run.lookahead.report as Json;
  const wf = run.walkForward.report as Json;
  const w = wf.walkForward as Json;
  const o = wf.overfitting as Json;
  const best = wf.search.best as Json;
  const recursive = look.recursive as Json | undefined;
  const warmups = recursive
    ? Object.entries(recursive.settledFrom as Record<string, number | null>)
        .map(
          ([series, bars]) =>
            `${series}: ${bars === null ? `more than ${recursive.histories.at(-1)} bars` : `${bars} bars`}`,
        )
        .join('; ')
    : '–';
  const lines = [
    `## ${feedsOf(run.spec)}: gate ${verdict(run.gate)}`,
    '',
    `Grid ${params(Object.fromEntries(Object.entries(run.spec.grid).map(([k, v]) => [k, `[${v.join(', ')}]`])))} (${gridSize(run.spec.grid)} sets), walk-forward ${PROTOCOL.inSampleBars} in-sample / ${PROTOCOL.outSampleBars} out-of-sample bars after ${run.spec.warmupBars ?? PROTOCOL.warmupBars} bars of warm-up, objective ${PROTOCOL.objective}, 0.1 % fees.`,
    '',
    '| gate check | value | limit | passed |',
    '| --- | --- | --- | --- |',
    ...(run.gate.checks as Json[]).map(
      (c) =>
        `| ${CHECK_NAMES[c.name as string] ?? c.name} | ${checkValue(c)} | ${typeof c.limit === 'boolean' ? '' : num(c.limit as number)} | ${c.passed ? 'yes' : '**no**'} |`,
    ),
    '',
    because(run.gate),
    '',
    `- **Walk-forward:** ${w.windows.length} windows, out-of-sample return ${pct(w.totalReturn)}, max drawdown ${pct(w.maxDrawdown)}, per-bar Sharpe ${num(w.outOfSampleBarSharpe)}.`,
    `- **Trials counted by the deflated Sharpe ratio: ${o.deflatedSharpe.trials}** — this grid's ${gridSize(run.spec.grid)}, ${run.prior.map((p) => `${p.trials} for ${p.what}`).join(', ')}.`,
    `- **Whole range, best of the grid's ${gridSize(run.spec.grid)}:** ${params(best.params)}: return ${pct(best.totalReturn)}, max drawdown ${pct(best.maxDrawdown)}, ${best.trades} trades, per-bar Sharpe ${num(best.barSharpe)}; deflated Sharpe ratio ${num(o.deflatedSharpe.value, 3)} against a best-of-${o.deflatedSharpe.trials} luck benchmark (per-bar SR) of ${num(o.deflatedSharpe.benchmark)}; PBO ${o.pbo ? `${num(o.pbo.value, 3)} over ${o.pbo.splits} splits` : `n/a (${o.pboNote})`}.`,
    `- **Look-ahead:** ${look.lookahead.ok ? 'clean' : `${look.lookahead.differences.length} differences`} over ${look.lookahead.cutoffs.length} cut points (${look.lookahead.signals} orders); recursive check: warm-up per plotted series ${warmups}.`,
    '',
    '| out-of-sample window | chosen | return | trades |',
    '| --- | --- | --- | --- |',
    ...(w.windows as Json[]).map(
      (x) =>
        `| ${day(x.outSample.from)} → ${day(x.outSample.to)} | ${params(x.bestParams)} | ${pct(x.outSampleReturn)} | ${x.outSampleTrades} |`,
    ),
    '',
    commands(run),
    '',
  ];
  return lines.join('\n');
}

/** One template's page: what it is, then a section per feed set. */
export function renderTemplatePage(runs: readonly ReportRun[]): string {
  const t = runs[0]!.template;
  return [
    `# ${t.name}: research report`,
    '',
    `${t.description} Template \`${t.id}\` (\`packages/protocol/src/strategy/strategy-templates.ts\`), its default parameters, on Binance spot history ${RANGE.from.slice(0, 10)} → ${RANGE.to.slice(0, 10)} ([history/README.md](history/README.md)). Made by \`npm run research:reports\`; do not edit by hand. How to read it: [README.md](README.md).`,
    '',
    ...runs.map(section),
  ].join('\n');
}

/** The summary table, replacing what stood between the markers of `previous`. */
export function renderIndex(previous: string, runs: readonly ReportRun[]): string {
  const rows = runs.map((run) => {
    const wf = run.walkForward.report as Json;
    const check = (name: string) => (run.gate.checks as Json[]).find((c) => c.name === name);
    const o = wf.overfitting as Json;
    return `| [${run.template.id}](${run.template.id}.md) | ${feedsOf(run.spec)} | ${verdict(run.gate)} | ${(run.lookahead.report as Json).lookahead.ok ? 'clean' : 'biased'} | ${pct(wf.walkForward.totalReturn)} | ${num(check('outOfSampleSharpe')?.value as number)} | ${o.deflatedSharpe.trials} | ${num(o.deflatedSharpe.value, 3)} | ${o.pbo ? num(o.pbo.value, 3) : '–'} |`;
  });
  const table = [
    BEGIN,
    '| template | feeds | gate | look-ahead | out-of-sample return | OOS per-bar Sharpe (≥ 0) | trials | DSR (≥ 0.95) | PBO (≤ 0.5) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    END,
  ].join('\n');
  const start = previous.indexOf(BEGIN);
  const end = previous.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md has no ${BEGIN} … ${END} markers`);
  return previous.slice(0, start) + table + previous.slice(end + END.length);
}
