import { describe, expect, it } from 'vitest';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { runBacktest } from '../core/engine.ts';
import { evaluateTrustedStrategy } from '../sandbox/host-module.ts';
import { runInSandbox } from '../sandbox/sandbox.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';

const BARS = 120;
const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, BARS, 7);
const settings = resolveBacktestSettings({});
const LIMITS = { memoryMb: 64, cpuMs: 5_000 };

/**
 * What a strategy passes as an index, and the number it must be read as: the first answer of its
 * coercion (the engine coerces once). `make` is JavaScript building the value; `counter` counts
 * how often the strategy's own code was asked.
 */
const ATTACKS: Array<[name: string, make: string, firstAnswer: number]> = [
  // The issue's attack, both ways round: the engine once read -1 (the next bar) for the index and
  // 0 for its range check, and returned the next bar's close.
  ['valueOf answering -1 then 0', 'answers(-1, 0)', -1],
  ['valueOf answering 0 then -1', 'answers(0, -1)', 0],
  ['Symbol.toPrimitive answering 0 then -1', '({ [Symbol.toPrimitive]: () => (asked++ === 0 ? 0 : -1) })', 0],
  [
    'a getter swapping valueOf on each read',
    '({ get valueOf() { const n = asked++; return () => (n === 0 ? 0 : -1); } })',
    0,
  ],
  ['NaN', 'NaN', NaN],
  ['-1', '-1', -1],
  ['-0.5', '-0.5', -0.5],
  ['0.5', '0.5', 0.5],
  ['1.9', '1.9', 1.9],
  ['Infinity', 'Infinity', Infinity],
  ['-Infinity', '-Infinity', -Infinity],
  ['1e300', '1e300', 1e300],
  ['-1e300', '-1e300', -1e300],
  ['2 ** 53', '2 ** 53', 2 ** 53],
  ["the string '-1'", "'-1'", -1],
  ['[-1]', '[-1]', -1],
  ['-1n', '-1n', -1],
  ['true', 'true', 1],
  ['null', 'null', 0],
  ['undefined', 'undefined', NaN],
];

/** The close `first` bars back from bar `i`, as the engine must answer it. */
function expected(i: number, first: number): number | null {
  const k = Math.trunc(first);
  return k >= 0 && i - k >= 0 ? feed.columns.close[i - k]! : null;
}

const source = `
let asked = 0;
const answers = (...values) => ({ valueOf: () => values[Math.min(asked++, values.length - 1)] });
export default defineStrategy({
  onCandle(ctx) {
    const seen = [];
    for (const make of [${ATTACKS.map(([, make]) => `() => ${make}`).join(', ')}]) {
      asked = 0;
      const value = ctx.close.at(make());
      // JSON has no NaN: null stands for it. asked: how often the engine asked the value.
      seen.push([Number.isNaN(value) ? null : value, asked]);
    }
    ctx.log(JSON.stringify(seen));
  },
});`;

type Seen = Array<[value: number | null, asked: number]>;

function check(logs: ReadonlyArray<{ text: string }>): void {
  expect(logs).toHaveLength(BARS);
  logs.forEach((line, i) => {
    const seen = JSON.parse(line.text) as Seen;
    ATTACKS.forEach(([name, , first], a) => {
      const [value, asked] = seen[a]!;
      // Then every answer is the bar the first coercion names (or NaN), never a later one
      expect([i, name, value]).toEqual([i, name, expected(i, first)]);
      if (i + 1 < BARS) expect(value).not.toBe(feed.columns.close[i + 1]);
      // And the strategy's code was asked at most once per access
      expect([name, asked <= 1]).toEqual([name, true]);
    });
  });
}

describe('look-ahead check - series access', () => {
  it('no index a strategy passes reads a later bar, in the sandbox', async () => {
    // Given a strategy passing hostile and odd indices to ctx.close.at on every bar
    // When it runs in the sandbox
    const result = await runInSandbox({ code: source, feeds: [feed], settings }, LIMITS);
    check(result.logs);
  });

  it('no index a strategy passes reads a later bar, on the host engine', () => {
    const result = runBacktest(evaluateTrustedStrategy(source), [feed], settings);
    check(result.logs);
  });

  it('indicators refuse lengths that are not plain integers', async () => {
    for (const call of [
      'ctx.ta.sma(ctx.close.toArray(), { valueOf: () => 2 })',
      "ctx.ta.ema(ctx.close.toArray(), '3')",
      'new ctx.ta.SmaStream(2.5)',
      'ctx.ta.rsi(ctx.close.toArray(), -1)',
      'ctx.ta.bollinger(ctx.close.toArray(), NaN)',
    ]) {
      const code = `export default defineStrategy({ onCandle(ctx) { ${call}; } });`;
      await expect(runInSandbox({ code, feeds: [feed], settings }, LIMITS), call).rejects.toMatchObject({
        code: 'STRATEGY_RUNTIME_ERROR',
        message: expect.stringMatching(/must be a positive integer/),
      });
    }
  });
});
