/** @module The peers' calls, wrapped to one shape: a timed run, and outputs aligned to ours for checking. */
import * as it from 'indicatorts';
import * as ts from 'trading-signals';
import type { BenchData } from './data.ts';

export const PEERS = ['trading-signals', 'indicatorts'] as const;
export type Peer = (typeof PEERS)[number];
export type Form = 'batch' | 'streaming';

/** One peer implementation of one indicator in one form. */
export interface PeerImpl {
  peer: Peer;
  form: Form;
  /** Runs over the whole series; returns something observable. */
  run(d: BenchData): number;
  /** Outputs aligned index-for-index with `reference` (NaN where the peer has none). */
  outputs(d: BenchData): Float64Array[];
  /** Our values on the overlapping definition; defaults to our batch outputs. */
  reference?: (d: BenchData) => Float64Array[];
  /** First index compared (after both warm-ups, or after a different seed has decayed). */
  from(d: BenchData): number;
  /** Convention difference, printed with the check. */
  note?: string;
}

/** `number | null | undefined` results to a Float64Array with NaN for missing. */
export function toF64(values: ArrayLike<number | null | undefined>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? NaN;
  return out;
}

type TsIndicator<I, R> = {
  add(input: I): R | null;
  updates(inputs: readonly I[], replace?: boolean): (R | null)[];
};

/**
 * trading-signals has one API shape: `add` per value (streaming) and `updates(array)` (its batch,
 * which loops `add` and collects the results). Both forms are timed.
 */
export function tsPair<I, R>(
  make: () => TsIndicator<I, R>,
  input: (d: BenchData) => readonly I[],
  pick: (r: R | null) => number[],
  extra: Pick<PeerImpl, 'from' | 'note' | 'reference'>,
): PeerImpl[] {
  const feed = specialisedFeed<I, R>();
  const outputs = (d: BenchData): Float64Array[] => {
    const xs = input(d);
    const ind = make();
    const first = pick(ind.add(xs[0]!));
    const outs = first.map(() => new Float64Array(xs.length));
    first.forEach((v, k) => (outs[k]![0] = v));
    for (let i = 1; i < xs.length; i++) pick(ind.add(xs[i]!)).forEach((v, k) => (outs[k]![i] = v));
    return outs;
  };
  const streaming: PeerImpl = {
    peer: 'trading-signals',
    form: 'streaming',
    run: (d) => pick(feed(make(), input(d)))[0] ?? 0,
    outputs,
    ...extra,
  };
  const batch: PeerImpl = {
    peer: 'trading-signals',
    form: 'batch',
    run: (d) => pick(make().updates(input(d)).at(-1) ?? null)[0] ?? 0,
    outputs,
    ...extra,
  };
  return [batch, streaming];
}

/**
 * A streaming loop of its own for each peer indicator. One loop shared by every trading-signals
 * class would make its `add` call site megamorphic and slow the peer down for reasons of ours;
 * `new Function` gives each case fresh inline caches, as our own per-indicator loops have.
 */
function specialisedFeed<I, R>(): (ind: TsIndicator<I, R>, xs: readonly I[]) => R | null {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fresh function per case is the point
  return new Function(
    'ind',
    'xs',
    'let last = null; for (let i = 0; i < xs.length; i++) last = ind.add(xs[i]); return last;',
  ) as (ind: TsIndicator<I, R>, xs: readonly I[]) => R | null;
}

/** indicatorts: batch functions over plain arrays. */
export function itBatch(
  run: (d: BenchData) => Array<number[]>,
  extra: Pick<PeerImpl, 'from' | 'note' | 'reference'>,
): PeerImpl {
  return {
    peer: 'indicatorts',
    form: 'batch',
    run: (d) => run(d)[0]!.at(-1) ?? 0,
    outputs: (d) => run(d).map((a) => Float64Array.from(a)),
    ...extra,
  };
}

export { it, ts };
