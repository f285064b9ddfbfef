/**
 * @module Per indicator: our batch and streaming runs, and the peers with their conventions.
 * The streaming loops are written out per indicator on purpose: one shared loop calling
 * `s.update` would see ten stream classes and go megamorphic, and the benchmark would measure
 * V8's inline cache instead of the indicator. The peers' streaming loops get the same treatment
 * (`specialisedFeed` in peers.ts).
 */
import * as m from '@tickline/market';
import type { BenchData } from './data.ts';
import { itBatch, ts, it, tsPair, type PeerImpl } from './peers.ts';

export interface BenchCase {
  name: string;
  batch(d: BenchData): Float64Array[];
  /** Streaming run; fills `out` (one array per output) when given. */
  stream(d: BenchData, out?: Float64Array[]): number;
  peers: PeerImpl[];
}

const P = 14;
const BB = 20;
const FAST = 12;
const SLOW = 26;
const SIG = 9;
const KP = 14;
const DP = 3;

/** Index from which a first-value-seeded EMA of `period` agrees with an SMA-seeded one to 1e-13. */
function emaDecayed(period: number): number {
  return period + Math.ceil(Math.log(1e-13) / Math.log(1 - 2 / (period + 1)));
}
const at = (i: number) => () => i;
const single = (r: number | null) => [r ?? NaN];

export const CASES: BenchCase[] = [
  {
    name: 'SMA',
    batch: (d) => [m.sma(d.close, P)],
    stream: (d, out) => {
      const { n, close } = d;
      const s = new m.SmaStream(P);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(close[i]!);
        if (out) out[0]![i] = v;
        acc = v;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.SMA(P),
        (d) => d.arrays.close,
        single,
        { from: at(P - 1) },
      ),
      itBatch((d) => [it.sma(d.arrays.close, { period: P })], {
        from: at(P - 1),
        note: 'indicatorts averages partial windows in warm-up; compared from index period-1',
      }),
    ],
  },
  {
    name: 'EMA',
    batch: (d) => [m.ema(d.close, P)],
    stream: (d, out) => {
      const { n, close } = d;
      const s = new m.EmaStream(P);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(close[i]!);
        if (out) out[0]![i] = v;
        acc = v;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.EMA(P),
        (d) => d.arrays.close,
        single,
        {
          from: at(emaDecayed(P)),
          note: 'peer seeds with the first value (ours: SMA); compared once the seed has decayed',
        },
      ),
      itBatch((d) => [it.ema(d.arrays.close, { period: P })], {
        from: at(emaDecayed(P)),
        note: 'peer seeds with the first value (ours: SMA); compared once the seed has decayed',
      }),
    ],
  },
  {
    name: 'WMA',
    batch: (d) => [m.wma(d.close, P)],
    stream: (d, out) => {
      const { n, close } = d;
      const s = new m.WmaStream(P);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(close[i]!);
        if (out) out[0]![i] = v;
        acc = v;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.WMA(P),
        (d) => d.arrays.close,
        single,
        { from: at(P - 1) },
      ),
    ],
  },
  {
    name: 'RSI',
    batch: (d) => [m.rsi(d.close, P)],
    stream: (d, out) => {
      const { n, close } = d;
      const s = new m.RsiStream(P);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(close[i]!);
        if (out) out[0]![i] = v;
        acc = v;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.RSI(P),
        (d) => d.arrays.close,
        single,
        { from: at(P) },
      ),
      itBatch((d) => [it.rsi(d.arrays.close, { period: P })], {
        from: at(20 * P),
        note: 'peer smooths from the first change without an SMA seed; compared once decayed',
      }),
    ],
  },
  {
    name: 'MACD',
    batch: (d) => {
      const r = m.macd(d.close, FAST, SLOW, SIG);
      return [r.macd, r.signal];
    },
    stream: (d, out) => {
      const { n, close } = d;
      const s = new m.MacdStream(FAST, SLOW, SIG);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(close[i]!);
        if (out) {
          out[0]![i] = v.macd;
          out[1]![i] = v.signal;
        }
        acc = v.histogram;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.MACD(new ts.EMA(FAST), new ts.EMA(SLOW), new ts.EMA(SIG)),
        (d) => d.arrays.close,
        (r) => (r === null ? [NaN, NaN] : [r.macd, r.signal]),
        { from: at(emaDecayed(SLOW)), note: 'peer EMAs seed with the first value; compared once decayed' },
      ),
      itBatch(
        (d) => {
          const r = it.macd(d.arrays.close, { fast: FAST, slow: SLOW, signal: SIG });
          return [r.macdLine, r.signalLine];
        },
        { from: at(emaDecayed(SLOW)), note: 'peer EMAs seed with the first value; compared once decayed' },
      ),
    ],
  },
  {
    name: 'Bollinger',
    batch: (d) => {
      const r = m.bollinger(d.close, BB, 2);
      return [r.middle, r.upper, r.lower];
    },
    stream: (d, out) => {
      const { n, close } = d;
      const s = new m.BollingerStream(BB, 2);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(close[i]!);
        if (out) {
          out[0]![i] = v.middle;
          out[1]![i] = v.upper;
          out[2]![i] = v.lower;
        }
        acc = v.upper;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.BollingerBands(BB, 2),
        (d) => d.arrays.close,
        (r) => (r === null ? [NaN, NaN, NaN] : [r.middle, r.upper, r.lower]),
        { from: at(BB - 1) },
      ),
      itBatch(
        (d) => {
          const r = it.bb(d.arrays.close, { period: BB });
          return [r.middle, r.upper, r.lower];
        },
        { from: at(BB - 1) },
      ),
    ],
  },
  {
    name: 'ATR',
    batch: (d) => [m.atr(d.high, d.low, d.close, P)],
    stream: (d, out) => {
      const { n, close, high, low } = d;
      const s = new m.AtrStream(P);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(high[i]!, low[i]!, close[i]!);
        if (out) out[0]![i] = v;
        acc = v;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.ATR(P),
        (d) => d.candles,
        single,
        { from: at(P - 1) },
      ),
      itBatch((d) => [it.atr(d.arrays.high, d.arrays.low, d.arrays.close, { period: P }).atrLine], {
        from: at(P - 1),
        reference: (d) => [m.sma(d.trueRange, P)],
        note: 'peer smooths true range with an SMA, not Wilder; compared with our sma(true range)',
      }),
    ],
  },
  {
    name: 'Stochastic',
    batch: (d) => {
      const r = m.stochastic(d.high, d.low, d.close, KP, DP);
      return [r.k, r.d];
    },
    stream: (d, out) => {
      const { n, close, high, low } = d;
      const s = new m.StochasticStream(KP, DP);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(high[i]!, low[i]!, close[i]!);
        if (out) {
          out[0]![i] = v.k;
          out[1]![i] = v.d;
        }
        acc = v.d;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.StochasticOscillator({ kPeriod: KP, kSlowingPeriod: 1, dPeriod: DP }),
        (d) => d.candles,
        (r) => (r === null ? [NaN, NaN] : [r.stochK, r.stochD]),
        { from: at(KP + DP - 2), note: 'kSlowingPeriod 1 (fast stochastic)' },
      ),
      itBatch(
        (d) => {
          const r = it.stoch(d.arrays.high, d.arrays.low, d.arrays.close, { kPeriod: KP, dPeriod: DP });
          return [r.k, r.d];
        },
        { from: at(KP + DP - 2) },
      ),
    ],
  },
  {
    name: 'VWAP',
    batch: (d) => [m.vwap(d.typical, d.volume)],
    stream: (d, out) => {
      const { n, typical, volume } = d;
      const s = new m.VwapStream();
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(typical[i]!, volume[i]!);
        if (out) out[0]![i] = v;
        acc = v;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.VWAP(),
        (d) => d.candles,
        single,
        { from: at(0), note: 'typical price, one session' },
      ),
      itBatch((d) => [it.vwap(d.arrays.close, d.arrays.volume, { period: d.n })], {
        from: at(0),
        reference: (d) => [m.vwap(d.close, d.volume)],
        note: 'peer is a rolling window over closes; window = whole series makes it cumulative',
      }),
    ],
  },
  {
    name: 'OBV',
    batch: (d) => [m.obv(d.close, d.volume)],
    stream: (d, out) => {
      const { n, close, volume } = d;
      const s = new m.ObvStream();
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const v = s.update(close[i]!, volume[i]!);
        if (out) out[0]![i] = v;
        acc = v;
      }
      return acc;
    },
    peers: [
      ...tsPair(
        () => new ts.OBV(2),
        (d) => d.candles,
        single,
        {
          from: at(1),
          note: 'peer interval 2 (it needs the previous candle); no value at bar 0',
        },
      ),
      itBatch((d) => [it.obv(d.arrays.close, d.arrays.volume)], { from: at(0) }),
    ],
  },
];
