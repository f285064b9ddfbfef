/**
 * @module `npm run research:reports`: the research report of every strategy template on venue
 * history, made the way a user makes one. It starts a real `tickline start` on an empty data
 * directory, imports the Binance klines in `docs/research-reports/history/` with
 * `tickline market import` (which goes through the running server's upload API), saves each
 * template as a strategy, runs a look-ahead check and a walk-forward through `POST /research`, reads
 * the promotion gate's verdict with its default thresholds, and writes one page per template under
 * `docs/research-reports/` plus the summary in its README. Every run is deterministic, so the pages
 * only change when the engine, a template or the protocol below does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import { callJson, initialAdminToken } from '@tickline/server/internal';
import { embeddedTestEnv, runTickline, startTicklineServer } from '@tickline/testing';
import { renderIndex, renderTemplatePage, type ReportRun } from './render.ts';
import { PROTOCOL, RANGE, priorTrialsOf, type ReportSpec } from './protocol.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'docs/research-reports');
/**
 * Where the kline files of the protocol are: `--history DIR` (the same file names, e.g. downloaded
 * from data.binance.vision and converted), else the committed copies.
 */
const HISTORY = (() => {
  const at = process.argv.indexOf('--history');
  return at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]!) : join(OUT, 'history');
})();
const POLL_MS = 250;

type Json = Record<string, any>;

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<Json> {
  const r = await callJson(url, method, `/api/v1${path}`, {
    bearer: token,
    ...(body === undefined ? {} : { body }),
  });
  if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as Json;
}

/** Queues one research run and waits for its report. */
async function research(url: string, token: string, body: Json): Promise<Json> {
  const { research: queued } = await api(url, token, 'POST', '/research', body);
  for (;;) {
    const detail = await api(url, token, 'GET', `/research/${queued.id}`);
    if (detail.research.status === 'succeeded') return detail;
    if (detail.research.status !== 'queued' && detail.research.status !== 'running') {
      throw new Error(
        `research ${queued.id} ${detail.research.status}: ${JSON.stringify(detail.research.error)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function importHistory(url: string, token: string): Promise<void> {
  for (const file of PROTOCOL.history) {
    const r = await runTickline(
      [
        'market',
        'import',
        join(HISTORY, file.name),
        '--symbol',
        file.symbol,
        '--interval',
        file.interval,
        '--json',
      ],
      { TICKLINE_URL: url, TICKLINE_TOKEN: token, TICKLINE_LOG_LEVEL: 'warn' },
    );
    if (r.code !== 0) throw new Error(`market import ${file.name} exited ${r.code}: ${r.stderr}`);
    console.error(`imported ${file.name}: ${r.stdout.trim()}`);
  }
}

async function runOne(url: string, token: string, spec: ReportSpec): Promise<ReportRun> {
  const template = STRATEGY_TEMPLATES.find((t) => t.id === spec.template);
  if (!template) throw new Error(`no template ${spec.template}`);
  const { strategy } = await api(url, token, 'POST', '/strategies', {
    name: `${template.id} on ${spec.feeds.map((f) => `${f.symbol} ${f.interval}`).join(' + ')}`,
    source: template.source,
  });
  const common = { strategyId: strategy.id, version: 1, feeds: spec.feeds, from: RANGE.from, to: RANGE.to };
  const started = Date.now();
  const lookahead = await research(url, token, {
    kind: 'lookahead',
    ...common,
    points: PROTOCOL.lookaheadPoints,
  });
  const prior = priorTrialsOf(spec, PROTOCOL.reports);
  const walkForward = await research(url, token, {
    kind: 'walk-forward',
    ...common,
    grid: spec.grid,
    priorTrials: prior.reduce((n, p) => n + p.trials, 0),
    objective: PROTOCOL.objective,
    inSampleBars: PROTOCOL.inSampleBars,
    outSampleBars: PROTOCOL.outSampleBars,
    warmupBars: spec.warmupBars ?? PROTOCOL.warmupBars,
  });
  const { gate } = await api(url, token, 'GET', `/strategies/${strategy.id}/versions/1/gate`);
  console.error(
    `${spec.template} on ${spec.feeds.map((f) => f.symbol).join('+')}: gate ${gate.passed ? 'passed' : 'refused'} (${Date.now() - started} ms)`,
  );
  return { spec, template, lookahead, walkForward, gate, prior };
}

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-research-reports-'));
const server = await startTicklineServer(
  embeddedTestEnv(dataDir, {
    TICKLINE_AUTH_TIERS_FREE_BACKTESTS_PER_DAY: '1000',
    // One saved strategy per report (13), past the free tier's three.
    TICKLINE_AUTH_TIERS_FREE_MAX_STRATEGIES: String(PROTOCOL.reports.length),
  }),
);
try {
  const token = await initialAdminToken(server.url, dataDir);
  await importHistory(server.url, token);
  const runs: ReportRun[] = [];
  for (const spec of PROTOCOL.reports) runs.push(await runOne(server.url, token, spec));
  const templates = [...new Set(runs.map((r) => r.spec.template))];
  for (const id of templates) {
    const mine = runs.filter((r) => r.spec.template === id);
    writeFileSync(join(OUT, `${id}.md`), renderTemplatePage(mine));
  }
  const readme = join(OUT, 'README.md');
  const previous = readFileSync(readme, 'utf8');
  writeFileSync(readme, renderIndex(previous, runs));
  const passed = runs.filter((r) => r.gate.passed).length;
  console.log(`RESULT ${JSON.stringify({ reports: runs.length, passed, templates: templates.length })}`);
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
