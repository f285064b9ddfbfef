/**
 * A live paper run on 1-second candles through a real `tickline start` (the embedded default, on
 * the simulator's candles), over HTTP: each market order the strategy places fills with the next
 * 1 s bar — the bar that opens when the candle it was decided on closes, a second later, not at the
 * next minute — at a price inside that bar — and its parity report is identical. Before, the paper
 * venue filled every strategy order with the next 1-minute bar: up to 60 s later, and never as the
 * backtest did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, embeddedTestEnv, GATE_OFF_ENV, startTicklineServer, type RunningServer } from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  callJson,
  openEventSource,
  signUpAndIn,
  streamTicket,
  type ReceivedEvent,
} from '../testing/api-clients.ts';
import { portfolioOpened } from '../testing/portfolio-clients.ts';

const SYMBOL = 'BTC-USDT';
/** Buys when flat, sells what it holds otherwise: each decision reads the position its fills made. */
const ALTERNATE = `export default defineStrategy({
  onCandle(ctx) {
    const held = ctx.position().qty;
    if (held > 0) ctx.sell({ qty: held, reason: 'sell at ' + ctx.close.at(0) });
    else ctx.buy({ qty: 0.001, reason: 'buy at ' + ctx.close.at(0) });
  },
});`;
/** Fills to see before the run is paused and compared. */
const FILLS = 8;
/** Waits on the process: generous, because CI runs this beside other suites at load 10–20. */
const WAIT_MS = 90_000;
/**
 * From an order's `order.placed` to its `order.filled` on the stream. The next 1 s bar closes a
 * second after the decision; the rest is the machine's load. A minute bar would take up to 60 s.
 */
const PLACED_TO_FILLED_MS = 20_000;

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-fills-1s-'));
let server: RunningServer | undefined;

afterAll(async () => {
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface OrderEventData {
  clientOrderId: string;
  type: string;
  origin?: { kind: string; candleCloseTime?: number; fillInterval?: string };
  fill?: { price: number; quantity: number; time: number };
}

const dataOf = (e: ReceivedEvent) => e.data as OrderEventData;

describe('paper fills on the run’s own candles - tickline start, 1 s run', () => {
  it('a 1 s run’s market orders fill at the next 1 s bar, inside that bar, within seconds', async () => {
    // About fills, not the promotion gate: the run is enabled without research.
    server = await startTicklineServer(embeddedTestEnv(dataDir, GATE_OFF_ENV));
    const url = server.url;
    const user = await signUpAndIn(url, 'fills-1s@example.test');
    const bearer = user.accessToken;
    const portfolioId = user.userId;
    await portfolioOpened(url, bearer, portfolioId);
    const created = await callJson(url, 'POST', '/api/v1/strategies', {
      bearer,
      body: { name: 'alternate each second', source: ALTERNATE },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const strategyId = created.body.strategy.id as string;

    const stream = openEventSource(url, {
      channels: [`user:${user.userId}`],
      types: ['order.placed', 'order.filled'],
      ticket: await streamTicket(url, bearer),
    });
    try {
      expect(await stream.refused).toBe(200);
      // When the version is enabled live on the simulator's 1 s candles of BTC-USDT
      const enabled = await callJson(url, 'POST', '/api/v1/live-strategies', {
        bearer,
        body: {
          strategyId,
          version: 1,
          portfolioId,
          feeds: [{ symbol: SYMBOL, interval: '1s' }],
          warmupBars: 0,
        },
      });
      expect(enabled.status, JSON.stringify(enabled.body)).toBe(201);
      const runId = enabled.body.run.id as string;
      // Candles that close while the run warms up are part of its warm-up; one stored after its
      // last read but offered before it listened is decided from the store before the enable
      // answers, and its bar has passed by then, so its order fills with the next one the venue
      // sees. The fills below are of candles decided live.
      const answeredAt = Date.now();
      const filled = () =>
        stream.events.filter(
          (e) => e.type === 'order.filled' && dataOf(e).origin!.candleCloseTime! > answeredAt,
        );
      await until(() => filled().length >= FILLS, {
        timeoutMs: WAIT_MS,
        what: `${FILLS} fills of the 1 s run`,
      });
      const paused = await callJson(
        url,
        'POST',
        `/api/v1/live-strategies/${encodeURIComponent(runId)}/pause`,
        {
          bearer,
        },
      );
      expect(paused.status, JSON.stringify(paused.body)).toBe(200);

      // Then each fill came with the 1 s bar that opened as its decision candle closed
      const placedAt = new Map<string, ReceivedEvent>();
      for (const e of stream.events) if (e.type === 'order.placed') placedAt.set(dataOf(e).clientOrderId, e);
      const fills = filled().slice(0, FILLS);
      const delays: number[] = [];
      for (const e of fills) {
        const d = dataOf(e);
        expect(d.type).toBe('market');
        expect(d.origin).toMatchObject({ kind: 'strategy', fillInterval: '1s' });
        expect(d.fill!.time).toBe(d.origin!.candleCloseTime);
        const placed = placedAt.get(d.clientOrderId);
        expect(placed, `order.placed of ${d.clientOrderId}`).toBeDefined();
        delays.push(e.at - placed!.at);
      }
      // … on the stream within seconds of the order, not at the next minute
      expect(
        Math.max(...delays),
        `placed → filled delays ${delays.map(Math.round).join(', ')} ms`,
      ).toBeLessThan(PLACED_TO_FILLED_MS);

      // … at a price inside that bar, as the market stored it
      const times = fills.map((e) => dataOf(e).fill!.time);
      const from = Math.min(...times);
      const to = Math.max(...times) + 1_000;
      let bars = new Map<number, { low: number; high: number }>();
      await until(
        async () => {
          const res = await callJson(
            url,
            'GET',
            `/api/v1/markets/${SYMBOL}/candles?interval=1s&from=${from}&to=${to}&limit=5000`,
          );
          const closed = (
            res.body.candles as Array<{ openTime: number; low: number; high: number; closed: boolean }>
          ).filter((c) => c.closed);
          bars = new Map(closed.map((c) => [c.openTime, c]));
          return times.every((t) => bars.has(t));
        },
        { timeoutMs: WAIT_MS, what: 'the stored 1 s bars of the fills' },
      );
      for (const e of fills) {
        const { price, time } = dataOf(e).fill!;
        const bar = bars.get(time)!;
        expect(price).toBeGreaterThanOrEqual(bar.low);
        expect(price).toBeLessThanOrEqual(bar.high);
      }

      // And the run replayed through the backtest engine decided the same, decision by decision:
      // the candles that closed while it warmed up included (it decides them from the store, and
      // the replay splits where its warm-up ended).
      const parity = await callJson(
        url,
        'GET',
        `/api/v1/live-strategies/${encodeURIComponent(runId)}/parity`,
        { bearer },
      );
      expect(parity.status, JSON.stringify(parity.body)).toBe(200);
      expect(parity.body.parity.summary, JSON.stringify(parity.body.parity.rows?.slice(0, 3))).toMatch(
        /^identical, \d+ decisions$/,
      );
    } finally {
      stream.close();
    }
  }, 240_000);
});
