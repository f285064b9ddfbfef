/**
 * @module Trades as columns for the trip out of the isolate. A structured clone of ten thousand
 * trade objects cost more than the rest of the result together (about 30 ms of a 1M-bar run); the
 * same trades as one Float64Array, one Int32Array and a table of their distinct strings copy in
 * well under a millisecond, and the host rebuilds the objects in a few.
 */
import type { Trade } from '../core/types.ts';

/** Numbers per trade in `numbers`, strings per trade in `texts` (indices into `strings`). */
const NUMBERS = 9;
const TEXTS = 4;

export interface PackedTrades {
  count: number;
  numbers: Float64Array;
  texts: Int32Array;
  strings: string[];
}

/** Trades → columns (runs in the isolate). */
export function packTrades(trades: readonly Trade[]): PackedTrades {
  const n = trades.length;
  const numbers = new Float64Array(n * NUMBERS);
  const texts = new Int32Array(n * TEXTS);
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const idOf = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      ids.set(s, id);
    }
    return id;
  };
  for (let i = 0; i < n; i++) {
    const t = trades[i]!;
    const a = i * NUMBERS;
    numbers[a] = t.entryTime;
    numbers[a + 1] = t.exitTime;
    numbers[a + 2] = t.entryPrice;
    numbers[a + 3] = t.exitPrice;
    numbers[a + 4] = t.qty;
    numbers[a + 5] = t.pnl;
    numbers[a + 6] = t.fees;
    numbers[a + 7] = t.returnPct;
    numbers[a + 8] = t.bars;
    const b = i * TEXTS;
    texts[b] = idOf(t.symbol);
    texts[b + 1] = idOf(t.direction);
    texts[b + 2] = idOf(t.entryReason);
    texts[b + 3] = idOf(t.exitReason);
  }
  return { count: n, numbers, texts, strings };
}

/** Columns → trades, fields in the ledger's order (runs on the host). */
export function unpackTrades(packed: PackedTrades): Trade[] {
  const { count, numbers, texts, strings } = packed;
  const out: Trade[] = new Array<Trade>(count);
  for (let i = 0; i < count; i++) {
    const a = i * NUMBERS;
    const b = i * TEXTS;
    out[i] = {
      symbol: strings[texts[b]!]!,
      direction: strings[texts[b + 1]!] as Trade['direction'],
      entryTime: numbers[a]!,
      exitTime: numbers[a + 1]!,
      entryPrice: numbers[a + 2]!,
      exitPrice: numbers[a + 3]!,
      qty: numbers[a + 4]!,
      pnl: numbers[a + 5]!,
      fees: numbers[a + 6]!,
      returnPct: numbers[a + 7]!,
      entryReason: strings[texts[b + 2]!]!,
      exitReason: strings[texts[b + 3]!]!,
      bars: numbers[a + 8]!,
    };
  }
  return out;
}
