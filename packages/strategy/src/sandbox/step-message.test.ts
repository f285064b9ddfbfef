import { describe, expect, it } from 'vitest';
import type { LiveCandle } from '../live/live-engine.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { LiveReport } from './isolate-live.ts';
import { LiveTenants } from './live-tenants.ts';
import type { OpenRunPayload } from './live-wire.ts';
import { STEP_CANDLE, stepColumns, stepRows, type StepSession, type TenantGroup } from './step-rows.ts';

/** Logs the candle it was shown, every candle. */
const SHOWN = `export default defineStrategy({
  onCandle(ctx) {
    ctx.log([ctx.open.at(0), ctx.high.at(0), ctx.low.at(0), ctx.close.at(0), ctx.volume.at(0)].join(' '));
  },
});`;

const payload = (runId: string, tenant: string): OpenRunPayload => ({
  runId,
  tenant,
  tenantMemoryMb: 32,
  code: SHOWN,
  feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
  settings: resolveBacktestSettings({}),
  params: {},
  capacity: 64,
  limits: { cpuMsPerCandle: 50, setupCpuMs: 2_000, warmupCpuMs: 2_000 },
});

const candle = (close: number): LiveCandle => ({
  openTime: 0,
  closeTime: 60_000,
  open: close - 1,
  high: close + 2,
  low: close - 2,
  close,
  volume: close * 10,
});

const shown = (c: LiveCandle) => [c.open, c.high, c.low, c.close, c.volume].join(' ');

describe('a step message of many runs on a few candles', () => {
  it('shows every run the candle it was asked on, each candle sent once', async () => {
    const live = new LiveTenants();
    const runs: Array<{ handle: number; group: TenantGroup }> = [];
    try {
      // Two tenants' runs, three each; the two feeds' candles alternate between them.
      for (const tenant of ['t1', 't2']) {
        const group: TenantGroup = { stamp: 0, first: 0, count: 0 };
        for (let r = 0; r < 3; r++)
          runs.push({ handle: (await live.open(payload(`${tenant}-${r}`, tenant))).handle, group });
      }
      const [a, b] = [candle(100), candle(250)];
      const q = stepColumns<StepSession>();
      runs.forEach((run, i) => {
        q.sessions.push(run);
        q.fs.push(0);
        q.candles.push(i % 2 === 0 ? a : b);
        q.answers.push(() => undefined);
      });
      const { rows, candles, order } = stepRows(q);
      // Six runs, two candles: each candle crosses once.
      expect(candles.length).toBe(2 * STEP_CANDLE);

      const answer = live.step({ rows, candles }, () => {});
      const logged = new Map(
        answer.reports.map(([i, r]: [number, LiveReport]) => [
          i,
          r.ok ? r.logs.map((l) => l.text) : r.error.code,
        ]),
      );
      for (let i = 0; i < order.length; i++) expect(logged.get(i)).toEqual([shown(q.candles[order[i]!]!)]);
    } finally {
      for (const tenant of ['t1', 't2']) for (let r = 0; r < 3; r++) live.close(`${tenant}-${r}`);
    }
  });
});
