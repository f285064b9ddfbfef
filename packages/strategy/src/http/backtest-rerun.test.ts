/**
 * Reproducible backtests on a share (issue 49): an SMA cross on `005930.KS` daily candles over KRX
 * sessions (holidays have no bar) with a 50-for-1 split in the middle, read split-adjusted. The run
 * pins the data version it read; a correction is then downloaded; `POST /backtests/{id}/rerun`
 * reads the pinned data and reproduces the first report exactly, while a new run reflects the
 * correction and the first report lists the version that changed its data. The same holds for
 * candles a collector recorded and then corrected (late trades rewriting closed bars).
 */
import { uuidv7 } from '@tickline/kernel';
import { exchangeCalendar, importCandles, storeCorporateActions, type Candle } from '@tickline/market';
import { until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMA_CROSS_SOURCE } from '../examples/sma-cross.ts';
import { storeClosedCandles } from '../module/candle-feed.ts';
import { createStrategyTestApp, HOUR, T0, waveCandles, type StrategyTestApp } from '../testing/strategy-test-app.ts';

const SYMBOL = '005930.KS';
const SESSIONS = exchangeCalendar('KS').sessionsBetween(Date.UTC(2025, 0, 1), Date.UTC(2025, 6, 1));
/** The split's session: prices before it are 50 times what they are after. */
const SPLIT_AT = 60;
const RATIO = 50;
const BUY_AND_HOLD = `export default defineStrategy({
  init() { return { bought: false }; },
  onCandle(ctx) {
    if (!ctx.state.bought) { ctx.buy({ percent: 100, reason: 'hold' }); ctx.state.bought = true; }
  },
});`;

/** Daily bars of the sessions `[from, to)`, raw (before the split ×50), `bump` added to each price. */
function dailyBars(from: number, to: number, bump = 0): Candle[] {
  return SESSIONS.slice(from, to).map((s, k) => {
    const i = from + k;
    const scale = i < SPLIT_AT ? RATIO : 1;
    const price = (p: number) => (p + bump) * scale;
    const close = 1_000 + 200 * Math.sin(i / 6) + i;
    const open = 1_000 + 200 * Math.sin((i - 1) / 6) + i - 1;
    return {
      exchange: 'kis',
      symbol: SYMBOL,
      interval: '1d' as const,
      openTime: s.openMs,
      closeTime: s.closeMs,
      open: price(open),
      high: price(Math.max(open, close) + 5),
      low: price(Math.min(open, close) - 5),
      close: price(close),
      volume: 1_000 / scale,
      quoteVolume: 1_000 * close,
      trades: 10,
      incomplete: false,
      revision: 0,
    };
  });
}

describe('backtests - pinned data, adjusted shares and re-runs', () => {
  let t: StrategyTestApp;
  let auth: Record<string, string>;
  let sma: string;
  let hold: string;

  const call = (method: 'GET' | 'POST', url: string, payload?: object, headers = auth) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const body = (strategyId: string, adjust: string, params: object = {}) => ({
    strategyId,
    symbol: SYMBOL,
    interval: '1d',
    from: SESSIONS[0]!.openMs,
    to: SESSIONS.at(-1)!.closeMs,
    adjust,
    params,
  });
  /** Waits for the queued run's end; returns its detail. */
  async function finished(queued: Awaited<ReturnType<typeof call>>, headers = auth) {
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().backtest.id as string;
    let detail: any;
    await until(
      async () => {
        detail = (await call('GET', `/backtests/${id}`, undefined, headers)).json();
        return ['succeeded', 'failed', 'cancelled'].includes(detail.backtest.status);
      },
      { timeoutMs: 120_000, intervalMs: 50, what: `backtest ${id}` },
    );
    expect(detail.backtest.status, JSON.stringify(detail.backtest.error)).toBe('succeeded');
    return detail;
  }

  beforeAll(async () => {
    t = await createStrategyTestApp();
    await t.sql.transaction((tx) => importCandles(tx, dailyBars(0, SESSIONS.length), null));
    const split = await storeCorporateActions(
      t.sql,
      SYMBOL,
      [{ kind: 'split', exDate: SESSIONS[SPLIT_AT]!.date, ratio: RATIO }],
      'import',
    );
    expect(split.stored[0]).toMatchObject({ status: 'applied' });
    auth = (await t.user()).auth;
    const create = async (source: string) => {
      const created = await call('POST', '/strategies', { name: uuidv7(), source });
      expect(created.statusCode, created.body).toBe(201);
      return created.json().strategy.id as string;
    };
    sma = await create(SMA_CROSS_SOURCE);
    hold = await create(BUY_AND_HOLD);
  }, 120_000);
  afterAll(() => t?.close());

  it('adjusted - a split neither fakes a crash (raw does) nor changes the bars counted', async () => {
    const raw = await finished(await call('POST', '/backtests', body(hold, 'none')));
    const adjusted = await finished(await call('POST', '/backtests', body(hold, 'split')));
    // Holding through a 50-for-1 split read raw loses ~98 %; adjusted it is the wave's own swing.
    expect(raw.result.metrics.drawdown.maxDrawdown).toBeGreaterThan(0.9);
    expect(adjusted.result.metrics.drawdown.maxDrawdown).toBeLessThan(0.5);
    expect(adjusted.result.bars).toBe(SESSIONS.length);
    expect(adjusted.backtest).toMatchObject({ adjust: 'split' });
    expect(adjusted.data).toMatchObject({ adjust: 'split', feeds: [{ symbol: SYMBOL, bars: SESSIONS.length }] });
    expect(adjusted.data.feeds[0].contentHash).not.toBe(raw.data.feeds[0].contentHash);
  });

  it('rerun - reproduces the first report after a correction, while a new run reflects it', async () => {
    const params = { fast: 5, slow: 20 };
    const first = await finished(await call('POST', '/backtests', body(sma, 'split', params)));
    const firstHold = await finished(await call('POST', '/backtests', body(hold, 'split')));
    expect(first.result.metrics.trades).toBeGreaterThan(0);
    expect(first.changedSince).toEqual([]);
    const pinned = first.data.dataVersion as number;
    expect(first.backtest.dataVersion).toBe(pinned);
    expect(first.data.strategy).toMatchObject({ id: sma, version: 1 });

    // A provider revision of the last 30 sessions is downloaded.
    await t.sql.transaction((tx) =>
      importCandles(tx, dailyBars(SESSIONS.length - 30, SESSIONS.length, 40), null, {
        kind: 'download',
        source: 'download:kis',
      }),
    );

    const again = await finished(await call('POST', `/backtests/${first.backtest.id}/rerun`));
    expect(again.backtest).toMatchObject({ rerunOf: first.backtest.id, dataVersion: pinned, adjust: 'split' });
    expect(again.reproduces).toEqual({ backtestId: first.backtest.id, sameData: true, sameFigures: true });
    expect(again.result.metrics).toEqual(first.result.metrics);
    expect(again.data.feeds).toEqual(first.data.feeds);

    // The first report now says its data changed since, naming the download.
    const now = (await call('GET', `/backtests/${first.backtest.id}`)).json();
    expect(now.changedSince).toEqual([expect.objectContaining({ kind: 'download', source: 'download:kis', changed: 30 })]);

    // A new run reads the corrected history.
    const fresh = await finished(await call('POST', '/backtests', body(hold, 'split')));
    expect(fresh.data.dataVersion).toBeGreaterThan(pinned);
    expect(fresh.data.feeds[0].contentHash).not.toBe(firstHold.data.feeds[0].contentHash);
    expect(fresh.result.metrics.totalReturn).not.toBe(firstHold.result.metrics.totalReturn);
    const holdAgain = await finished(await call('POST', `/backtests/${firstHold.backtest.id}/rerun`));
    expect(holdAgain.result.metrics.totalReturn).toBe(firstHold.result.metrics.totalReturn);
  });

  it('rerun - a collector\'s corrections of recorded candles leave a pinned run reproducible', async () => {
    // Candles the collector recorded (the candle projection's write), then corrected after their close.
    const symbol = 'COLL-USDT';
    const recorded = waveCandles(symbol, 300);
    await storeClosedCandles(t.sql, recorded);
    // A user of its own: the free tier's daily backtests are the other cases'.
    const { auth: mine } = await t.user();
    const as = (method: 'GET' | 'POST', url: string, payload?: object) => call(method, url, payload, mine);
    const created = await as('POST', '/strategies', { name: uuidv7(), source: SMA_CROSS_SOURCE });
    const run = {
      strategyId: created.json().strategy.id as string,
      symbol,
      interval: '1h',
      from: T0,
      to: T0 + 300 * HOUR,
      adjust: 'none',
      params: { fast: 5, slow: 20 },
    };
    const first = await finished(await as('POST', '/backtests', run), mine);
    expect(first.result.metrics.trades).toBeGreaterThan(0);

    // Late trades move the closes of the last 40 bars (each a new revision of a closed candle).
    await storeClosedCandles(
      t.sql,
      recorded.slice(-40).map((c) => ({ ...c, close: c.close * 1.1, high: c.high * 1.1, trades: 6, revision: 1 })),
    );
    const again = await finished(await as('POST', `/backtests/${first.backtest.id}/rerun`), mine);
    expect(again.reproduces).toEqual({ backtestId: first.backtest.id, sameData: true, sameFigures: true });
    expect(again.result.metrics).toEqual(first.result.metrics);
    expect(again.data.feeds).toEqual(first.data.feeds);
    const now = (await as('GET', `/backtests/${first.backtest.id}`)).json();
    expect(now.changedSince).toEqual([
      expect.objectContaining({ kind: 'correction', source: 'collector:binance', changed: 40 }),
    ]);
    const fresh = await finished(await as('POST', '/backtests', run), mine);
    expect(fresh.data.feeds[0].contentHash).not.toBe(first.data.feeds[0].contentHash);
  });

  it('research - a job pins its data as a backtest does, and its report says when the data changed', async () => {
    const created = await call('POST', '/research', {
      kind: 'search',
      strategyId: sma,
      feeds: [{ symbol: SYMBOL, interval: '1d' }],
      from: SESSIONS[0]!.openMs,
      to: SESSIONS.at(-1)!.closeMs,
      grid: { fast: [5, 10] },
      adjust: 'split',
    });
    expect(created.statusCode, created.body).toBe(202);
    const id = created.json().research.id as string;
    let detail: any;
    await until(
      async () => {
        detail = (await call('GET', `/research/${id}`)).json();
        return !['queued', 'running'].includes(detail.research.status);
      },
      { timeoutMs: 120_000, intervalMs: 50, what: `research ${id}` },
    );
    expect(detail.research.status, JSON.stringify(detail.research.error)).toBe('succeeded');
    expect(detail.report.data).toMatchObject({ adjust: 'split', feeds: [{ symbol: SYMBOL, bars: SESSIONS.length }] });
    expect(detail.changedSince).toEqual([]);
    await t.sql.transaction((tx) =>
      importCandles(tx, dailyBars(SESSIONS.length - 5, SESSIONS.length, 70), null, { source: 'import:fix' }),
    );
    const after = (await call('GET', `/research/${id}`)).json();
    expect(after.changedSince).toEqual([expect.objectContaining({ source: 'import:fix', changed: 5 })]);
  });

  it('rerun - another user’s run is 404 and a run from before data versions is 409', async () => {
    const other = await t.user();
    const mine = await finished(await call('POST', '/backtests', body(hold, 'none')));
    const theirs = await t.app.inject({
      method: 'POST',
      url: `/api/v1/backtests/${mine.backtest.id}/rerun`,
      headers: other.auth,
    });
    expect([theirs.statusCode, theirs.json().error.code]).toEqual([404, 'STRATEGY_NOT_FOUND']);
    // A run stored before runs pinned their data.
    await t.sql.query(`update backtest_runs set request = request - 'dataVersion' where id = $1`, [mine.backtest.id]);
    const unpinned = await call('POST', `/backtests/${mine.backtest.id}/rerun`);
    expect([unpinned.statusCode, unpinned.json().error.code]).toEqual([409, 'STRATEGY_RERUN_UNPINNED']);
  });
});
