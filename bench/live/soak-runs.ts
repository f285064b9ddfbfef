/**
 * @module The soak's live runs through the public API: accounts signed up, strategies stored and
 * enabled on the simulator's 1 s candles of BTC-USDT, and a sampler that reads every run's status
 * and remembers each pause it saw (code, reason, when) and, for the busy-loop run, the first
 * candle of each of its lives (from its enable or automatic resume to its pause).
 */
import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import { callJson, TEST_PASSWORD } from '@tickline/server/internal';
import { until } from '@tickline/testing';

/** A signed-in account of the soak. */
export interface TestUser {
  userId: string;
  email: string;
  accessToken: string;
  /** `tickline_session=…`, for the browser. */
  cookie: string;
}

export const SYMBOL = 'BTC-USDT';
/** The trend template at its fastest: SMA 2/3, one decision a second (issue 45's runs). */
export const TREND_SOURCE = STRATEGY_TEMPLATES.find((t) => t.id === 'trend-sma-cross')!.source;
export const TREND_PARAMS = { fast: 2, slow: 3 };
/**
 * Spins on every candle well past the free tier's 50 ms (~150 ms of CPU on this machine's cores)
 * and returns: the strike window's case, a strategy that really does more than its tier allows
 * (3 overruns in 10 steps pause it). Its first live step may pass: it gets 250 ms (V8 compiles).
 */
export const BUSY_SOURCE = `export default defineStrategy({
  init() { return { x: 0 }; },
  onCandle(ctx) {
    let x = 0;
    for (let i = 0; i < 60000000; i++) x = (x + i) % 1000003;
    ctx.state.x = x;
  },
});`;

/** A run the soak watches. */
export interface SoakRun {
  id: string;
  user: TestUser;
  honest: boolean;
}

/** A pause one sample saw. */
export interface SeenPause {
  run: string;
  code: string;
  reason: string;
  at: number;
}

export async function api(base: () => string, user: TestUser, method: string, path: string, body?: unknown) {
  return callJson(base(), method, `/api/v1${path}`, {
    bearer: user.accessToken,
    ...(body === undefined ? {} : { body }),
  });
}

/** `callJson` again while the gateway answers 429 (sign-ups from one address are rate-limited, as in production). */
async function patiently(call: () => ReturnType<typeof callJson>) {
  for (let attempt = 0; ; attempt++) {
    const answer = await call();
    if (answer.status !== 429 || attempt >= 60) return answer;
    await new Promise((r) => setTimeout(r, 1_000 * Number(answer.headers.get('retry-after') ?? 3)));
  }
}

/** Signs `email` up and in, and waits until its paper portfolio is open (the account's first event). */
export async function account(base: () => string, email: string): Promise<TestUser> {
  const body = { email, password: TEST_PASSWORD };
  const signUp = await patiently(() => callJson(base(), 'POST', '/api/v1/accounts', { body }));
  if (signUp.status !== 201) throw new Error(`sign-up of ${email}: ${signUp.status} ${JSON.stringify(signUp.body)}`);
  const signIn = await patiently(() => callJson(base(), 'POST', '/api/v1/auth/sign-in', { body }));
  if (signIn.status !== 200) throw new Error(`sign-in of ${email}: ${signIn.status} ${JSON.stringify(signIn.body)}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('tickline_session='));
  const user: TestUser = {
    userId: signUp.body.user.id as string,
    email,
    accessToken: signIn.body.tokens.accessToken as string,
    cookie: cookie ?? '',
  };
  await until(async () => (await api(base, user, 'GET', `/portfolios/${user.userId}`)).status === 200, {
    timeoutMs: 120_000,
    what: `portfolio of ${email}`,
  });
  return user;
}

/** Stores `source` and returns the strategy's id. */
export async function storeStrategy(base: () => string, user: TestUser, name: string, source: string) {
  const created = await patiently(() => api(base, user, 'POST', '/strategies', { name, source }));
  if (created.status !== 201) throw new Error(`storing ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.strategy.id as string;
}

/** Enables version 1 of `strategyId` live on 1 s candles; returns the run id. Retries 429s. */
export async function enable(
  base: () => string,
  user: TestUser,
  strategyId: string,
  params: Record<string, number>,
  warmupBars: number,
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const answer = await api(base, user, 'POST', '/live-strategies', {
      strategyId,
      version: 1,
      portfolioId: user.userId,
      feeds: [{ symbol: SYMBOL, interval: '1s' }],
      warmupBars,
      params,
    });
    if (answer.status === 201) return answer.body.run.id as string;
    if (answer.status === 429 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 1_000 * Number(answer.headers.get('retry-after') ?? 5)));
      continue;
    }
    throw new Error(`enabling ${strategyId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/** Runs `task` over `items`, at most `width` at a time. */
export async function inParallel<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * One life of the busy run: its first candle (the first one it claimed after its enable or
 * resume), and its pause with the candle it was paused on.
 */
export interface BusyLife {
  /** Its previous life's last candle: this life's first is after it. */
  after?: number;
  firstCandle?: number;
  pause?: SeenPause;
  pausedOn?: number;
}

interface RunStatus {
  state: 'running' | 'paused';
  pause?: { code: string; reason: string; at: number };
  lastCandleTime?: number;
  candles: number;
}

/** Reads every run's status; remembers pauses (one per run and `at`) and the busy run's lives. */
export class Sampler {
  readonly seen = new Map<string, SeenPause>();
  readonly busyLives: BusyLife[] = [{}];
  /** Samples that got no answer (the restart), and samples taken. */
  unanswered = 0;
  samples = 0;
  /** Each run's latest status. */
  readonly latest = new Map<string, RunStatus>();

  readonly #base: () => string;
  readonly #runs: readonly SoakRun[];

  constructor(base: () => string, runs: readonly SoakRun[]) {
    this.#base = base;
    this.#runs = runs;
  }

  async status(run: SoakRun): Promise<RunStatus | undefined> {
    const answer = await api(this.#base, run.user, 'GET', `/live-strategies/${encodeURIComponent(run.id)}`).catch(
      () => undefined,
    );
    this.samples++;
    if (answer?.status !== 200) {
      this.unanswered++;
      return undefined;
    }
    const status = answer.body.run as RunStatus;
    this.latest.set(run.id, status);
    if (status.state === 'paused' && status.pause !== undefined) {
      const key = `${run.id}@${status.pause.at}`;
      if (!this.seen.has(key)) this.seen.set(key, { run: run.id, ...status.pause });
    }
    return status;
  }

  /** All honest runs (a few at a time, so the sampler is not itself the load). */
  async sweep(): Promise<void> {
    await inParallel(
      this.#runs.filter((r) => r.honest),
      4,
      (r) => this.status(r),
    );
  }

  /** The busy run, often: its first candle of each life is known to within a sample. */
  async busy(run: SoakRun): Promise<void> {
    const status = await this.status(run);
    if (status === undefined) return;
    let life = this.busyLives.at(-1)!;
    const newPause = status.state === 'paused' && status.pause !== undefined && status.pause.at !== life.pause?.at;
    // Resumed (seen running, or paused again at a new time: a life shorter than a sample).
    if (life.pause !== undefined && (status.state === 'running' || newPause)) {
      life = { ...(life.pausedOn === undefined ? {} : { after: life.pausedOn }) };
      this.busyLives.push(life);
    }
    const last = status.lastCandleTime;
    if (life.firstCandle === undefined && last !== undefined && last > (life.after ?? -Infinity))
      life.firstCandle = last;
    if (newPause) {
      life.pause = { run: run.id, ...status.pause! };
      if (last !== undefined) life.pausedOn = last;
    }
  }
}
