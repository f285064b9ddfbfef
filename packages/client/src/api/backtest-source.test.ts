import { describe, expect, it } from 'vitest';
import { runBacktestSource, type BacktestSourceOptions } from './backtest-source.ts';
import type { UploadCall } from './kline-upload.ts';

const RUN = { id: 'run-1', status: 'running', progress: 0.5, error: null };

/** A call answering the strategy and backtest routes, keeping what it was asked; cancel is 409. */
function fakeCall(status = 'running') {
  const asked: Array<[string, string, unknown]> = [];
  const call = (async (method: string, path: string, body?: unknown) => {
    asked.push([method, path, body]);
    if (path === '/strategies' && method === 'GET') return { strategies: [] };
    if (path === '/strategies') return { strategy: { id: 's-1' }, version: { version: 1 } };
    if (path === '/backtests') return { backtest: { ...RUN, status: 'queued' } };
    if (path.endsWith('/cancel'))
      throw Object.assign(new Error('the run ended'), { code: 'STRATEGY_RUN_FINISHED' });
    return { backtest: { ...RUN, status }, result: null };
  }) as UploadCall;
  return { asked, call };
}

const options = (call: UploadCall, over: Partial<BacktestSourceOptions> = {}): BacktestSourceOptions => ({
  call,
  name: 'spread.ts',
  source: 'export default defineStrategy({ onCandle() {} });',
  language: 'typescript',
  feeds: [
    { symbol: 'BTC-USDT', interval: '1h' },
    { symbol: 'ETH-USDT', interval: '1h' },
  ],
  exchange: 'binance',
  from: 0,
  to: 3_600_000,
  pollMs: 1,
  ...over,
});

describe('backtest source - runBacktestSource', () => {
  it('backtest source - the first feed drives the run, the others go in feeds with the exchange', async () => {
    const { asked, call } = fakeCall('failed');
    const result = await runBacktestSource(options(call, { settings: {}, sandbox: { cpuMs: 500 } }));
    expect(result.outcome).toBe('failed');
    expect(asked.find(([, path]) => path === '/backtests')?.[2]).toEqual({
      strategyId: 's-1',
      version: 1,
      symbol: 'BTC-USDT',
      interval: '1h',
      from: 0,
      to: 3_600_000,
      exchange: 'binance',
      feeds: [{ symbol: 'ETH-USDT', interval: '1h', exchange: 'binance' }],
      params: {},
      sandbox: { cpuMs: 500 },
    });
  });

  it('backtest source - an abort cancels; a run that ended meanwhile (409) is not an error', async () => {
    const { asked, call } = fakeCall();
    const aborted = AbortSignal.abort();
    const result = await runBacktestSource(options(call, { signal: aborted }));
    expect(result.outcome).toBe('interrupted');
    expect(asked.at(-1)?.slice(0, 2)).toEqual(['POST', '/backtests/run-1/cancel']);
  });

  it('backtest source - no feed is refused before anything is sent', async () => {
    const { asked, call } = fakeCall();
    await expect(runBacktestSource(options(call, { feeds: [] }))).rejects.toThrow('at least one feed');
    expect(asked).toEqual([]);
  });
});
