import { describe, expect, it } from 'vitest';
import { recordingIo, runRecorded } from '../test-io.test-support.ts';
import { backtestCommand } from './backtest-command.ts';
import { runBacktestRerun } from './backtest-rerun.ts';

const FIRST = '0193c5d2-8f1e-7c41-9a3e-2b6f0d1e4a57';
const AGAIN = '0193c5d2-9999-7c41-9a3e-2b6f0d1e4a57';
const metrics = {
  startingCapital: 10_000,
  finalEquity: 11_200,
  totalReturn: 0.12,
  cagr: null,
  volatility: 0.2,
  sharpe: 1.1,
  sortino: 1.4,
  calmar: 0.9,
  drawdown: { maxDrawdown: 0.08, longestDrawdownMs: 86_400_000 },
  trades: 4,
  winRate: 0.5,
  profitFactor: 1.8,
  expectancy: 30,
  avgWin: 90,
  avgLoss: -30,
  exposure: 0.6,
  feesPaid: 12,
};
const run = (status: string) => ({
  id: AGAIN,
  status,
  progress: status === 'succeeded' ? 1 : 0,
  rerunOf: FIRST,
  error: null,
});
const data = {
  dataVersion: 7,
  adjust: 'split',
  feeds: [{ symbol: '005930.KS', interval: '1d', exchange: null, from: 0, to: 1, bars: 120, contentHash: 'abcdefabcdef0123' }],
  strategy: { id: FIRST, version: 1, sourceSha256: 'x' },
};

/** A server: the re-run is queued, then answers its detail as `detail`. */
function server(detail: object) {
  const asked: string[] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    asked.push(`${method} ${url.replace('http://127.0.0.1:8080/api/v1', '')}`);
    const body = method === 'POST' ? { backtest: run('queued') } : detail;
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { asked, fetchFn };
}

describe('tickline backtest rerun', () => {
  it('queues the re-run, follows it and says it reproduced the first run (exit 0)', async () => {
    const { io, text } = recordingIo();
    const { asked, fetchFn } = server({
      backtest: run('succeeded'),
      result: { metrics, bars: 120 },
      data,
      reproduces: { backtestId: FIRST, sameData: true, sameFigures: true },
      changedSince: [{ id: 8, kind: 'download', source: 'download:kis', changed: 30 }],
    });
    expect(await runBacktestRerun(io, FIRST, {}, fetchFn)).toBe(0);
    expect(asked).toEqual([`POST /backtests/${FIRST}/rerun`, `GET /backtests/${AGAIN}`]);
    expect(text()).toContain(`reproduces backtest ${FIRST}: same data, same figures`);
    expect(text()).toContain('data version 7, adjust split: 005930.KS 1d 120 bars abcdefabcdef');
    expect(text()).toContain('version 8 download download:kis, 30 changed');
  });

  it('exits 1 when the re-run did not reproduce, and prints JSON with --json', async () => {
    const { io, text } = recordingIo();
    const { fetchFn } = server({
      backtest: run('succeeded'),
      result: { metrics, bars: 120 },
      data,
      reproduces: { backtestId: FIRST, sameData: false, sameFigures: false },
      changedSince: [],
    });
    expect(await runBacktestRerun(io, FIRST, { json: true }, fetchFn)).toBe(1);
    expect(JSON.parse(text())).toMatchObject({ backtestId: AGAIN, rerunOf: FIRST, reproduces: { sameData: false } });
  });

  it('a local backtest still needs --strategy, --from and --to (usage error)', async () => {
    let ran = false;
    const local = backtestCommand(async () => ({ runBacktestCommand: async () => void (ran = true) }));
    const args = ['backtest', '--feed', 'BTC-USDT:1h', '--from', '2024-01-01', '--to', '2024-02-01'];
    const { outcome, stderr } = await runRecorded(args, {}, undefined, [local]);
    expect([outcome, ran]).toEqual([2, false]);
    expect(stderr).toContain("required option '--strategy <file>' not specified");
  });
});
