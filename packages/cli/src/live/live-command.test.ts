import type { ParityReportView } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { jsonServer, recordingIo, runRecorded } from '../test-io.test-support.ts';
import { formatParity, liveParityCommand } from './live-actions.ts';

const T = Date.UTC(2026, 0, 1);
const buy = {
  candleCloseTime: T + 60_000,
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'market',
  quantity: 3,
} as const;
const stop = { ...buy, candleCloseTime: T + 120_000, side: 'sell', type: 'stop', price: 97.5 } as const;

function report(over: Partial<ParityReportView> = {}): ParityReportView {
  return {
    runId: 'u1:s1',
    strategyId: 's1',
    version: 2,
    identical: false,
    liveDecisions: 2,
    replayDecisions: 2,
    firstDivergence: 1,
    summary: 'diverges at decision 2 (candle 2026-01-01T00:02:00.000Z): price differ',
    window: { fromMs: T, toMs: T + 180_000, candles: 3, warmupCandles: 10, pausedCandles: 0 },
    rows: [
      { index: 0, live: buy, replay: buy, differs: [] },
      { index: 1, live: stop, replay: { ...stop, price: 96.5 }, differs: ['price'] },
    ],
    ...over,
  };
}

describe('tickline live parity', () => {
  it('prints the first divergence marked among its neighbours and exits 1', async () => {
    const { io, text } = recordingIo();
    const { urls: asked, fetchFn } = jsonServer({ parity: report() });
    expect(await liveParityCommand(io, 'u1:s1', { withVersion: '2' }, fetchFn)).toBe(1);
    expect(asked).toEqual(['http://127.0.0.1:8080/api/v1/live-strategies/u1%3As1/parity?version=2']);
    const lines = text().split('\n');
    expect(lines[0]).toBe(`parity of u1:s1 (version 2): ${report().summary}`);
    expect(lines[1]).toContain('3 candles after 10 of warm-up; 2 live decisions, 2 replayed');
    expect(lines.find((l) => l.startsWith('  1'))).toContain('buy market BTC-USDT 3');
    const marked = lines.find((l) => l.startsWith('> 2'))!;
    expect(marked).toMatch(/sell stop BTC-USDT 3 @ 97\.5 +sell stop BTC-USDT 3 @ 96\.5 +differs: price/);
  });

  it('an identical run prints its summary alone (every row with --all) and exits 0', async () => {
    const same = report({
      identical: true,
      summary: 'identical, 1 decisions',
      rows: [{ index: 0, live: buy, replay: buy, differs: [] }],
    });
    delete same.firstDivergence;
    const { io, text } = recordingIo();
    expect(await liveParityCommand(io, 'u1:s1', {}, jsonServer({ parity: same }).fetchFn)).toBe(0);
    expect(text()).not.toContain('buy market');
    expect(formatParity(same, true)).toContain('buy market BTC-USDT 3');
    const json = recordingIo();
    await liveParityCommand(json.io, 'u1:s1', { json: true }, jsonServer({ parity: same }).fetchFn);
    expect(JSON.parse(json.text())).toEqual(same);
  });

  it("the server's refusal keeps its code; a bad --with-version is refused before asking", async () => {
    const refused = jsonServer(
      { error: { code: 'STRATEGY_PARITY_UNAVAILABLE', message: 'nothing decided' } },
      409,
    );
    await expect(liveParityCommand(recordingIo().io, 'x', {}, refused.fetchFn)).rejects.toMatchObject({
      code: 'STRATEGY_PARITY_UNAVAILABLE',
    });
    const bad = await runRecorded(['live', 'parity', 'x', '--with-version', 'two'], { TICKLINE_TOKEN: 't' });
    expect(bad.stderr).toContain('--with-version must be a positive integer');
    expect(bad.outcome).not.toBe(0);
  });

  it('--latest prints the platform’s latest check of the run (no replay): the decision, the field, both sides', async () => {
    const parity = {
      checkedAt: T + 600_000,
      state: 'diverged',
      decisions: 61,
      firstDivergence: {
        decision: 61,
        field: 'quantity',
        live: { ...buy, percent: 40, quantity: 2.826 },
        replay: { ...buy, percent: 40, quantity: 3 },
      },
    };
    const { urls: asked, fetchFn } = jsonServer({ run: { id: 'u1:s1', parity } });
    const { io, text } = recordingIo();
    expect(await liveParityCommand(io, 'u1:s1', { latest: true }, fetchFn)).toBe(1);
    expect(asked).toEqual(['http://127.0.0.1:8080/api/v1/live-strategies/u1%3As1']);
    expect(text()).toBe(
      'parity checked 2026-01-01T00:10:00Z: diverges at decision 61 (candle 2026-01-01T00:01:00Z): quantity differs\n' +
        '  live buy market BTC-USDT 40% (2.826); replay buy market BTC-USDT 40% (3)\n',
    );
    const none = recordingIo();
    expect(
      await liveParityCommand(
        none.io,
        'u1:s1',
        { latest: true },
        jsonServer({ run: { id: 'u1:s1' } }).fetchFn,
      ),
    ).toBe(0);
    expect(none.text()).toContain('no parity check of u1:s1 yet');
  });
});
