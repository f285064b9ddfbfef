import { stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { receiveResult, sendResult } from './result-transfer.ts';
import { runPackedInSandbox } from './sandbox.ts';
import { unpackTrades } from './packed-trades.ts';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

const code = `export default defineStrategy({ onCandle(ctx) {
  if (ctx.feed.index % 7 === 0) ctx.buy({ percent: 50 }); else if (ctx.feed.index % 7 === 3) ctx.closePosition();
} });`;
const settings = resolveBacktestSettings({});
const LIMITS = { memoryMb: 128, cpuMs: 10_000 };

async function packedRun(bars: number, equityPoints?: number) {
  const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, bars, 1);
  return runPackedInSandbox(
    { code, feeds: [feed], settings, ...(equityPoints === undefined ? {} : { equityPoints }) },
    LIMITS,
  );
}

describe('result transfer from a sandbox process', () => {
  it.each([
    ['inline: a small one', 1_000, undefined, 1_000, true],
    ['by file: 7k trades, the equity cut to 2,000 points in the isolate', 50_000, 2_000, 2_001, false],
    ['by file: every equity point', 100_000, undefined, 100_000, false],
  ])('results %s: trades and equity arrive as they left', async (_, bars, points, steps, inline) => {
    const result = await packedRun(bars, points);
    expect(result.equity.time.length).toBe(steps);
    const ref = await sendResult(result);
    expect('inline' in ref).toBe(inline);
    const got = await receiveResult(ref, { maxResultBytes: 16 << 20, maxEquityPoints: bars });
    expect(got.trades).toEqual(unpackTrades(result.trades));
    expect(got.trades.length).toBeGreaterThan(bars / 8);
    expect([...got.equity.value]).toEqual([...result.equity.value]);
    expect([...got.equity.time]).toEqual([...result.equity.time]);
    expect(got.metrics).toEqual(result.metrics);
    if ('file' in ref) expect(await exists(ref.file)).toBe(false);
  });

  it('a result over the tier’s bytes is refused with its sizes', async () => {
    const result = await packedRun(50_000, 2_000);
    await expect(sendResult(result, 64 * 1024)).rejects.toMatchObject({
      code: 'STRATEGY_RESULT_TOO_LARGE',
      details: { maxBytes: 64 * 1024, bytes: expect.any(Number) },
    });
  });

  it('the server refuses, unread, a file larger than what it asked for', async () => {
    const result = await packedRun(100_000);
    const ref = await sendResult(result);
    if (!('file' in ref)) throw new Error('expected a file');
    await expect(receiveResult(ref, { maxResultBytes: 16 << 20, maxEquityPoints: 50_000 })).rejects.toThrow(
      /does not match/,
    );
    expect(await exists(ref.file)).toBe(false);
    // And a file whose length is not what it says.
    const again = await sendResult(result);
    if (!('file' in again)) throw new Error('expected a file');
    await writeFile(again.file, 'short');
    await expect(
      receiveResult(again, { maxResultBytes: 16 << 20, maxEquityPoints: 100_000 }),
    ).rejects.toThrow(/does not match/);
  });
});
