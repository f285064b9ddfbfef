import {
  createStrategyTestApp,
  HOUR,
  T0,
  waveCandles,
  type StrategyTestApp,
} from '@tickline/strategy/internal';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecorded } from '../test-io.test-support.ts';

/** `tickline research` against a server listening on a real socket. */
/** The feed and window every research run here covers: the 600 hourly wave candles. */
const FEED_WINDOW = ['--feed', 'BTC-USDT:1h', '--from', String(T0), '--to', String(T0 + 600 * HOUR)];

describe('cli - research over a running server', () => {
  let t: StrategyTestApp;
  let url: string;
  let env: Record<string, string>;
  let strategyId: string;
  beforeAll(async () => {
    t = await createStrategyTestApp({
      candles: waveCandles('BTC-USDT', 600),
      tiers: { free: { backtestsPerDay: 100 } },
    });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const user = await t.user();
    env = { TICKLINE_URL: url, TICKLINE_TOKEN: user.accessToken };
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/strategies',
      headers: user.auth,
      payload: { name: 'cross', source: SMA_CROSS_SOURCE },
    });
    strategyId = created.json().strategy.id;
  }, 120_000);
  afterAll(() => t?.close());

  it(
    'research run follows progress to a report with the overfitting measures',
    { timeout: 120_000 },
    async () => {
      const run = await runRecorded(
        [
          'research',
          'run',
          '--kind',
          'search',
          '--strategy',
          strategyId,
          ...FEED_WINDOW,
          '--grid',
          'fast=5,10',
          '--grid',
          'slow=30,40',
          '--prior-trials',
          '20',
          '--poll-ms',
          '50',
        ],
        env,
      );
      expect(run.stderr).toContain('queued research');
      // The server's preflight estimate, before any progress
      expect(run.stderr).toMatch(/estimate: 2,400 bar-steps in 4 trials, ≈ .+ s, ≤ \d+ MB/);
      expect(run.stderr).toMatch(/research \[#+\] 100%/);
      expect(run.stdout).toMatch(/\(search\): succeeded/);
      expect(run.stdout).toMatch(/best of 4: /);
      expect(run.stdout).toMatch(
        /deflated Sharpe ratio: \d\.\d{4} \(benchmark per-bar SR \d\.\d{4}, 24 trials of which 20 declared before\)/,
      );
      expect(run.stdout).toMatch(/probability of backtest overfitting: \d\.\d{4} over 12870 splits/);
      expect(run.outcome).toBe(0);
      const id = /queued research (\S+)/.exec(run.stderr)![1]!;
      const status = await runRecorded(['research', 'status', id, '--json'], env);
      expect(JSON.parse(status.stdout).report.overfitting).toMatchObject({
        deflatedSharpe: { trials: 24 },
        priorTrials: 20,
      });
      // Use this set: the second best as the next version, the best as a backtest.
      const second = JSON.parse(status.stdout).report.search.trials[1].params as Record<string, number>;
      const saved = await runRecorded(['research', 'use', id, '--rank', '2'], env);
      expect([saved.outcome, saved.stdout]).toEqual([
        0,
        `saved ${JSON.stringify(second)} as version 2 of strategy ${strategyId}\n`,
      ]);
      const queued = await runRecorded(['research', 'use', id, '--backtest', '--json'], env);
      expect(queued.outcome, queued.stderr).toBe(0);
      expect(JSON.parse(queued.stdout)).toMatchObject({ rank: 1, backtest: { status: 'queued', version: 1 } });
      const past = await runRecorded(['research', 'use', id, '--rank', '9'], env);
      expect([past.outcome, past.stderr]).toEqual([1, expect.stringContaining('[STRATEGY_RESEARCH_NO_SETS]')]);
      const cancel = await runRecorded(['research', 'cancel', id], env);
      expect([cancel.outcome, cancel.stderr]).toEqual([
        1,
        expect.stringContaining('[STRATEGY_RUN_FINISHED]'),
      ]);
    },
  );

  it(
    'research run --kind lookahead reports the warm-up a plotted EMA needs (the recursive check)',
    { timeout: 120_000 },
    async () => {
      const user = await t.user();
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/strategies',
        headers: user.auth,
        payload: {
          name: 'ema plot',
          source: `export default defineStrategy({
  init: (ctx) => ({ ema: new ctx.ta.EmaStream(50) }),
  onCandle(ctx) { ctx.plot('ema50', ctx.state.ema.update(ctx.close.at(0))); },
});`,
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const run = await runRecorded(
        [
          'research',
          'run',
          '--kind',
          'lookahead',
          '--points',
          '4',
          '--strategy',
          created.json().strategy.id,
          ...FEED_WINDOW,
          '--poll-ms',
          '50',
        ],
        { TICKLINE_URL: url, TICKLINE_TOKEN: user.accessToken },
      );
      expect(run.outcome, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/look-ahead: clean over 4 cut points/);
      // 599 closed bars: histories of 50, 100, 200 and 400 bars, each ending on another EMA value.
      expect(run.stdout).toMatch(
        /recursive: \d+ differences over 1 plotted series, histories 50, 100, 200, 400 bars/,
      );
      expect(run.stdout).toMatch(/ {2}ema50: (needs \d+ bars of warm-up|differs even with 400 bars)/);
    },
  );

  it('refuses a bad grid with the server code and no server with its own code', async () => {
    const bad = await runRecorded(
      [
        'research',
        'run',
        '--kind',
        'walk-forward',
        '--strategy',
        strategyId,
        ...FEED_WINDOW,
        '--grid',
        'fast=5',
        '--in-sample',
        '550',
        '--out-sample',
        '100',
      ],
      env,
    );
    expect(bad.stderr).toContain('[STRATEGY_CONFIG_INVALID]');
    const gone = await runRecorded(['research', 'status', 'x', '--url', 'http://127.0.0.1:9'], env);
    expect(gone.stderr).toContain('[SERVER_API_UNREACHABLE]');
  });
});
