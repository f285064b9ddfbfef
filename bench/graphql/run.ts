/**
 * @module `npm run bench:graphql` — the dashboard's data as one GraphQL query against the REST
 * calls it replaces, both sent by the same raw HTTP client (undici) to one `tickline start`
 * (embedded, its three simulated markets) in the same run.
 *
 * The dashboard: a portfolio with its positions and each position's live ticker, its last orders,
 * and the user's strategies with their versions. REST needs `GET /portfolios/{id}` and
 * `/orders`, then a ticker per position, plus `GET /strategies` then the versions of each
 * strategy: 2 + positions + 1 + strategies requests in two dependent rounds. GraphQL: one POST.
 * The user holds BENCH_POSITIONS (default 3, the markets) positions and BENCH_STRATEGIES
 * (default 10) strategies.
 *
 * BENCH_CONCURRENCY (default 8) dashboards in flight for BENCH_SECONDS (default 10) per path,
 * after a warm-up of BENCH_WARMUP_SECONDS (default 2). Per path: dashboards/s, p50/p99 of a
 * whole dashboard, HTTP requests and response bytes per dashboard, and the server's CPU per
 * dashboard (its /proc CPU over the window, less what it spent idle in a window before: the
 * simulators and consumers keep running). Run it at a load average below 2: the machine is
 * shared, and the server and the client share its two cores. The last line is `RESULT {json}`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTicklineServer } from '@tickline/testing';
import { Pool } from 'undici';
import { cpuMicros } from '../lib/proc-stat.ts';
import { envInt, percentile, printResult, printTable, progress, round } from '../lib/report.ts';

const concurrency = envInt('BENCH_CONCURRENCY', 8);
const seconds = envInt('BENCH_SECONDS', 10);
const warmupSeconds = envInt('BENCH_WARMUP_SECONDS', 2);
const strategyCount = envInt('BENCH_STRATEGIES', 10);
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
const positionCount = Math.min(envInt('BENCH_POSITIONS', SYMBOLS.length), SYMBOLS.length);
const load = loadavg()[0]!;
if (load >= 2) progress(`load average ${round(load, 1)} ≥ 2: figures will be noisy`);

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-bench-graphql-'));
const server = await startTicklineServer({
  TICKLINE_DATA_DIR: dataDir,
  TICKLINE_HTTP_PORT: '0',
  TICKLINE_HTTP_HOST: '127.0.0.1',
  // Both paths run at full speed: a rate limit would measure the limiter.
  TICKLINE_AUTH_TIERS_FREE_REQUESTS_PER_MINUTE: '0',
  TICKLINE_AUTH_TIERS_FREE_MAX_STRATEGIES: String(strategyCount),
});
const pool = new Pool(server.url, { connections: concurrency, pipelining: 1 });
// The server is a child: it goes with the bench however the bench ends.
const stopServer = () => {
  server.child.kill('SIGTERM');
};
process.once('exit', stopServer);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    stopServer();
    process.exit(130);
  });

interface Answer {
  status: number;
  json: any;
  bytes: number;
}
async function call(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<Answer> {
  const response = await pool.request({
    method,
    path,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? JSON.parse(text) : undefined, bytes: text.length };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ---- the user: a portfolio with positions, and strategies ----
progress(`server at ${server.url}; seeding ${positionCount} positions and ${strategyCount} strategies`);
const signUp = await call('POST', '/api/v1/accounts', '', {
  email: 'bench@example.test',
  password: 'violet-kettle-93-orbit',
});
if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status} ${JSON.stringify(signUp.json)}`);
const token = signUp.json.tokens.accessToken as string;
const userId = signUp.json.user.id as string;
await until(
  async () => (await call('GET', `/api/v1/portfolios/${userId}`, token)).status === 200,
  'the portfolio',
);
let attempt = 0;
for (const symbol of SYMBOLS.slice(0, positionCount)) {
  await until(async () => {
    const placed = await pool.request({
      method: 'POST',
      path: `/api/v1/portfolios/${userId}/orders`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        // A new key per attempt: a reused one answers its first (rejected) order.
        'idempotency-key': `bench-${symbol}-${++attempt}`,
      },
      body: JSON.stringify({ symbol, side: 'buy', quantity: 0.01 }),
    });
    const order = (await placed.body.json()) as { order?: { status: string } };
    // Rejected until the market's first 1 s candle closed (no last price yet).
    return order.order?.status === 'filled';
  }, `a position in ${symbol}`);
}
for (let i = 0; i < strategyCount; i++) {
  const created = await call('POST', '/api/v1/strategies', token, {
    name: `bench ${i}`,
    language: 'javascript',
    source: 'export default defineStrategy({ onCandle() {} });',
  });
  if (created.status !== 201) throw new Error(`strategy: ${created.status} ${JSON.stringify(created.json)}`);
}

// ---- the two ways to load the dashboard ----
const QUERY = `query($id: ID!) {
  portfolio(id: $id) {
    cash equity
    positions { symbol quantity unrealizedPnl ticker { last { price } stats24h { changePercent } } }
    orders(status: ALL, first: 20) { nodes { clientOrderId status } }
  }
  strategies(first: 50) { nodes { id name latestVersion versions { version createdAt } } }
}`;

interface Dashboard {
  requests: number;
  bytes: number;
  positions: number;
  strategies: number;
}

async function viaGraphql(): Promise<Dashboard> {
  const answer = await call('POST', '/api/v1/graphql', token, { query: QUERY, variables: { id: userId } });
  if (answer.status !== 200 || answer.json.errors) throw new Error(`graphql: ${JSON.stringify(answer.json)}`);
  const { portfolio, strategies } = answer.json.data;
  return {
    requests: 1,
    bytes: answer.bytes,
    positions: portfolio.positions.length,
    strategies: strategies.nodes.length,
  };
}

async function viaRest(): Promise<Dashboard> {
  const get = (path: string) =>
    call('GET', path, token).then((answer) => {
      if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
      return answer;
    });
  const [portfolio, orders, strategies] = await Promise.all([
    get(`/api/v1/portfolios/${userId}`),
    get(`/api/v1/portfolios/${userId}/orders?status=all&limit=20`),
    get('/api/v1/strategies'),
  ]);
  const symbols = (portfolio.json.positions as Array<{ symbol: string }>).map((p) => p.symbol);
  const ids = (strategies.json.strategies as Array<{ id: string }>).map((s) => s.id);
  const second = await Promise.all([
    ...symbols.map((symbol) => get(`/api/v1/markets/${symbol}/ticker`)),
    ...ids.map((id) => get(`/api/v1/strategies/${id}/versions`)),
  ]);
  const all = [portfolio, orders, strategies, ...second];
  return {
    requests: all.length,
    bytes: all.reduce((sum, a) => sum + a.bytes, 0),
    positions: symbols.length,
    strategies: ids.length,
  };
}

interface PathResult {
  dashboards: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  bytes: number;
  serverCpuUsPerDashboard: number;
}

/** The server's CPU µs per second while nothing is asked of it (simulators, consumers, beats). */
async function idleCpuPerSecond(): Promise<number> {
  const before = cpuMicros(server.child.pid!);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return (cpuMicros(server.child.pid!) - before) / 2;
}

async function measure(name: string, load: () => Promise<Dashboard>): Promise<PathResult> {
  const check = await load();
  if (check.positions !== positionCount || check.strategies !== strategyCount)
    throw new Error(`${name}: ${check.positions} positions, ${check.strategies} strategies`);
  const run = async (ms: number, latencies?: number[]) => {
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const started = performance.now();
          await load();
          latencies?.push(performance.now() - started);
        }
      }),
    );
  };
  progress(`${name}: warming up ${warmupSeconds} s`);
  await run(warmupSeconds * 1000);
  const idle = await idleCpuPerSecond();
  progress(`${name}: ${seconds} s at ${concurrency} in flight`);
  const latencies: number[] = [];
  const cpuBefore = cpuMicros(server.child.pid!);
  const started = performance.now();
  await run(seconds * 1000, latencies);
  const elapsedS = (performance.now() - started) / 1000;
  const busyCpu = cpuMicros(server.child.pid!) - cpuBefore - idle * elapsedS;
  return {
    dashboards: latencies.length,
    perSecond: latencies.length / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    requests: check.requests,
    bytes: check.bytes,
    serverCpuUsPerDashboard: busyCpu / latencies.length,
  };
}

const graphql = await measure('graphql', viaGraphql);
const rest = await measure('rest', viaRest);
await pool.close();
server.child.kill('SIGTERM');
await server.exited;
rmSync(dataDir, { recursive: true, force: true });

const row = (path: string, r: PathResult) => ({
  path,
  'dashboards/s': round(r.perSecond, 1),
  'p50 ms': round(r.p50Ms, 1),
  'p99 ms': round(r.p99Ms, 1),
  'requests/dashboard': r.requests,
  'bytes/dashboard': r.bytes,
  'server CPU µs/dashboard': Math.round(r.serverCpuUsPerDashboard),
});
printTable([row('GraphQL, one query', graphql), row('REST, the calls it replaces (peer)', rest)]);
printResult({
  positions: positionCount,
  strategies: strategyCount,
  concurrency,
  graphql_dashboards_per_s: round(graphql.perSecond, 1),
  rest_dashboards_per_s: round(rest.perSecond, 1),
  graphql_p99_ms: round(graphql.p99Ms, 1),
  rest_p99_ms: round(rest.p99Ms, 1),
  graphql_server_cpu_us: Math.round(graphql.serverCpuUsPerDashboard),
  rest_server_cpu_us: Math.round(rest.serverCpuUsPerDashboard),
  rest_requests_per_dashboard: rest.requests,
  graphql_vs_rest_throughput: round(graphql.perSecond / rest.perSecond, 2),
  load_average: round(load, 1),
});
