/**
 * @module The code that runs inside a strategy isolate, linked with the engine into one script.
 * `harden` locks the realm down before user code loads: a seeded `Math.random`, `Date` on the
 * engine clock, no code from strings, no Atomics/SharedArrayBuffer/WebAssembly/Promise, and
 * every built-in and API prototype frozen (so a strategy cannot alter what the engine relies on).
 * `run` then executes the whole bar loop here and returns one plain result, or a coded error.
 */
import { TicklineError } from '@tickline/kernel';
import {
  FeedView,
  InitContext,
  PortfolioView,
  PositionView,
  Series,
  StrategyContext,
} from '../core/context.ts';
import { checkDefinition } from '../core/definition.ts';
import type { ParamSpecs, StrategyDefinition } from '../core/definition.ts';
import { declaredParams, type ParamLimits } from '../core/param-bounds.ts';
import { Engine } from '../core/engine.ts';
import { downsampleColumns } from '../core/downsample.ts';
import { returnStats } from '../core/return-stats.ts';
import type { EngineRunResult, PausedSpan } from '../core/engine.ts';
import { indicators } from '../core/indicators.ts';
import { createLiveApi } from './isolate-live.ts';
import type { CandleColumns, EngineSettings, Feed } from '../core/types.ts';
import { PACKED_COLUMNS } from './packed-feeds.ts';
import type { PackedFeed } from './packed-feeds.ts';
import { VIOLATION } from './violation.ts';
import { boundDetails, boundMessage, ISOLATE_CODES } from './error-bounds.ts';
import { packTrades } from './packed-trades.ts';
import type { PackedTrades } from './packed-trades.ts';

/**
 * What the host sends in: the feeds' shared columns as they are (read in place), or one packed,
 * transferred buffer (copied exactly once).
 */
export interface IsolateInput {
  feeds: PackedFeed[];
  columns: Float64Array | null;
  shared: CandleColumns[] | null;
  settings: EngineSettings;
  params: Record<string, unknown>;
  recordSignals: boolean;
  /** See `RunOptions.warmupUntil`. */
  warmupUntil?: number;
  /** See `RunOptions.paused`. */
  paused?: ReadonlyArray<PausedSpan>;
  progressEvery: number;
  /** Points of the equity curve to return (0: every step); the metrics use every step all the same. */
  equityPoints: number;
  /** Return statistics over every step, in this many blocks; null: none asked for. */
  returnBlocks: number | null;
  /** False: no trades go back (the metrics count them all the same). */
  keepTrades?: false;
  /**
   * Feeds read from the buffers a batch copied in once (`run`'s `held`): per feed, per
   * PACKED_COLUMNS column, the buffer's index and the column's first element in it.
   */
  held?: number[][];
}

export interface IsolateError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The result with its trades as columns (packed-trades.ts); the host puts them back. */
export type IsolateOutput =
  { ok: true; result: EngineRunResult; trades: PackedTrades } | { ok: false; error: IsolateError };

type ProgressCallback = (done: number, total: number) => void;

/**
 * Globals a strategy may not touch. Some do not exist in an isolate at all (process, require,
 * timers, fetch); naming them gives a coded error instead of a bare ReferenceError.
 */
const FORBIDDEN_GLOBALS = [
  'eval',
  'Function',
  'WebAssembly',
  'Atomics',
  'SharedArrayBuffer',
  'Promise',
  'FinalizationRegistry',
  'WeakRef',
  'process',
  'require',
  'module',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  // Sandbox processes run with --expose-gc (their host code collects after a large transfer), and
  // V8's flags are the process's: every isolate in them got a global `gc`. Not a strategy's API.
  'gc',
] as const;

let current: Engine | undefined;
/** The current live run's own generator (a tenant's runs share a context, never a sequence). */
let currentRandom: (() => number) | undefined;

function engineNow(): number {
  const t = current?.time ?? NaN;
  return t === t ? t : 0;
}

function forbidden(name: string): TicklineError {
  return new TicklineError('STRATEGY_FORBIDDEN_API', `${name} is not available to strategies`, {
    details: { api: name },
  });
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function deepFreeze(root: unknown, seen: Set<unknown>): void {
  const stack = [root];
  while (stack.length > 0) {
    const o = stack.pop();
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;
    seen.add(o);
    if (ArrayBuffer.isView(o)) continue;
    Object.freeze(o);
    stack.push(Object.getPrototypeOf(o));
    for (const key of Reflect.ownKeys(o)) {
      const d = Reflect.getOwnPropertyDescriptor(o, key)!;
      // Accessors are frozen too (a getter's function object is as reachable as a value).
      stack.push('value' in d ? d.value : [d.get as unknown, d.set as unknown]);
    }
  }
}

function forbidGlobal(g: Record<string, unknown>, name: string): void {
  if (Object.getOwnPropertyDescriptor(g, name)?.configurable === false) {
    // V8's own `gc` (--expose-gc) is a writable data property that cannot be redefined as a
    // getter: it becomes a function that throws, and stays one.
    const refuse = () => {
      throw forbidden(name);
    };
    Object.defineProperty(g, name, { value: refuse, writable: false });
    return;
  }
  Object.defineProperty(g, name, {
    get() {
      throw forbidden(name);
    },
    set() {
      throw forbidden(name);
    },
    configurable: false,
  });
}

/**
 * Prototypes no global names, reachable from values a strategy can make: a promise from an async
 * function, iterators, generators, typed arrays, Intl segments. Each is frozen with the rest, so a
 * strategy cannot change what `then`, `next` or `map` do for the engine (or for the next run of
 * the same context).
 */
function hiddenIntrinsics(): unknown[] {
  const proto = (o: unknown): unknown => Object.getPrototypeOf(o);
  function* generator(): Generator<number> {}
  async function* asyncGenerator(): AsyncGenerator<number> {}
  const arrayIterator = [][Symbol.iterator]();
  const found: unknown[] = [
    proto((async () => {})()),
    proto(arrayIterator),
    proto(proto(arrayIterator)),
    proto(new Map()[Symbol.iterator]()),
    proto(new Set()[Symbol.iterator]()),
    proto(''[Symbol.iterator]()),
    proto('a'.matchAll(/a/g)),
    proto(generator()),
    proto(asyncGenerator()),
    proto(Int8Array),
    proto(proto(new Int8Array(0))),
  ];
  // Newer V8: iterator helpers and Iterator.from have prototypes of their own.
  const helper = (arrayIterator as { map?: (f: (x: unknown) => unknown) => unknown }).map;
  if (typeof helper === 'function') found.push(proto(helper.call([][Symbol.iterator](), (x) => x)));
  const IteratorCtor = (globalThis as { Iterator?: { from?: (o: unknown) => unknown } }).Iterator;
  if (typeof IteratorCtor?.from === 'function')
    found.push(proto(IteratorCtor.from({ next: () => ({ done: true, value: undefined }) })));
  const Segmenter = (Intl as { Segmenter?: new () => { segment(s: string): object } }).Segmenter;
  if (typeof Segmenter === 'function') {
    const segments = new Segmenter().segment('');
    found.push(proto(segments), proto((segments as Iterable<unknown>)[Symbol.iterator]()));
  }
  return found;
}

/**
 * Locks the realm down; called once per context, before the strategy module is compiled. The
 * host has taken its references to the entry points by then (engine-entries.ts), so `__tickline`
 * goes: nothing of the engine is left on the global for user code to find.
 */
function harden(seed: number): void {
  const g = globalThis as unknown as Record<string, unknown>;
  delete g.__tickline;
  const seeded = mulberry32(seed);
  Math.random = () => (currentRandom ?? seeded)();
  const RealDate = Date;
  const dateProto = RealDate.prototype;
  // `Date()` / `new Date()` read the engine clock; explicit times work as usual.
  const SandboxDate = function (this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return new RealDate(engineNow()).toString();
    return args.length === 0
      ? new RealDate(engineNow())
      : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  } as unknown as DateConstructor;
  Object.defineProperty(SandboxDate, 'prototype', { value: dateProto });
  SandboxDate.now = engineNow;
  SandboxDate.UTC = RealDate.UTC;
  SandboxDate.parse = RealDate.parse;
  RealDate.now = engineNow;
  Object.defineProperty(dateProto, 'constructor', { value: SandboxDate });
  g.Date = SandboxDate;
  // Code from strings is the classic way out of a realm: block every function constructor.
  const fnProtos = [
    Function.prototype,
    Object.getPrototypeOf(async function () {}) as object,
    Object.getPrototypeOf(function* () {}) as object,
    Object.getPrototypeOf(async function* () {}) as object,
  ];
  for (const proto of fnProtos) {
    Object.defineProperty(proto, 'constructor', {
      get() {
        throw forbidden('Function');
      },
      configurable: false,
    });
  }
  // Taken before the globals are replaced: a strategy still reaches some of them (a promise's
  // constructor is Promise), so they are frozen like the rest.
  const hidden = [...hiddenIntrinsics(), ...FORBIDDEN_GLOBALS.map((name) => g[name])];
  for (const name of FORBIDDEN_GLOBALS) forbidGlobal(g, name);
  // The global `defineStrategy` only gives editors a typed entry point; it returns its argument.
  g.defineStrategy = (definition: unknown): unknown => definition;
  const seen = new Set<unknown>();
  for (const api of [
    Series,
    FeedView,
    PositionView,
    PortfolioView,
    InitContext,
    StrategyContext,
    indicators,
    TicklineError,
  ]) {
    deepFreeze(api, seen);
  }
  for (const name of Object.getOwnPropertyNames(g)) {
    const d = Object.getOwnPropertyDescriptor(g, name)!;
    if ('value' in d) deepFreeze(d.value, seen);
  }
  deepFreeze(fnProtos, seen);
  deepFreeze(hidden, seen);
  deepFreeze(Object.getPrototypeOf(g), seen);
  Object.freeze(g);
}

/**
 * A coded, bounded error from whatever was thrown. Every read of the thrown value may run the
 * strategy's code (getters, proxies), so each is guarded; a value that loops is stopped by the CPU
 * watchdog, one that throws becomes a plain runtime error.
 */
function classify(error: unknown): IsolateError {
  const at = current === undefined ? {} : { time: engineNow() };
  try {
    // Each field read once: a getter answers one value, and that is the one used.
    const e = error as { code?: unknown; message?: unknown; details?: unknown; name?: unknown } | null;
    const { code, message: text, name } = e ?? {};
    const raw = typeof text === 'string' ? text : String(error);
    const message = boundMessage(raw);
    if (typeof code === 'string' && ISOLATE_CODES.has(code))
      return { code, message, details: { ...boundDetails(e!.details), ...at } };
    if (e instanceof RangeError && /call stack/i.test(raw))
      return { code: 'STRATEGY_STACK_OVERFLOW', message, details: at };
    if (e instanceof TypeError && VIOLATION.test(raw))
      return { code: 'STRATEGY_SANDBOX_VIOLATION', message, details: at };
    const shown = typeof name === 'string' ? boundMessage(name, 64) : 'Error';
    return { code: 'STRATEGY_RUNTIME_ERROR', message, details: { ...at, name: shown } };
  } catch {
    return {
      code: 'STRATEGY_RUNTIME_ERROR',
      message: 'the strategy threw a value that cannot be read',
      details: at,
    };
  }
}

/** Views on the packed buffer, feed by feed, column by column. */
function unpackFeeds(input: IsolateInput, held: readonly Float64Array[] | undefined): Feed[] {
  const at = input.held;
  if (at !== undefined && held !== undefined)
    return input.feeds.map((f, k) => {
      const columns = {} as Feed['columns'];
      PACKED_COLUMNS.forEach((name, c) => {
        const from = at[k]![2 * c + 1]!;
        columns[name] = held[at[k]![2 * c]!]!.subarray(from, from + f.length);
      });
      return { symbol: f.symbol, interval: f.interval, columns };
    });
  const shared = input.shared;
  if (shared !== null)
    return input.feeds.map((f, k) => ({ symbol: f.symbol, interval: f.interval, columns: shared[k]! }));
  let offset = 0;
  return input.feeds.map((f) => {
    const columns = {} as Feed['columns'];
    for (const name of PACKED_COLUMNS) {
      columns[name] = input.columns!.subarray(offset, offset + f.length);
      offset += f.length;
    }
    return { symbol: f.symbol, interval: f.interval, columns };
  });
}

/**
 * Columns the runs of this context reuse, by slot, each as long as the longest run has needed: a
 * batch's trials (StrategySandbox.runPackedTrials) run one after another in one context, and each
 * 1M-bar trial made three 8 MB columns (equity time and value, returns) that lived until the
 * isolate collected them — up to a hundred MB of a sandbox process's memory, kept by malloc after
 * the isolate went. Only the engine writes them, each element before it is read, and no strategy
 * API reaches them; the isolate goes with the batch.
 */
const scratch: Float64Array[] = [];

/** The first `length` elements of slot `k`'s column, grown to `length` if shorter. */
function scratchColumn(k: number, length: number): Float64Array {
  let column = scratch[k];
  if (column === undefined || column.length < length) scratch[k] = column = new Float64Array(length);
  return column.subarray(0, length);
}

/** Slots of {@link scratch}: the equity curve's two columns, then the returns. */
const RETURNS_SLOT = 2;

/** `curve`, copied out of the scratch columns where a short one was left as it was (downsampleColumns). */
function ownColumns(curve: { time: Float64Array; value: Float64Array }): { time: Float64Array; value: Float64Array } {
  const shared = scratch.some((column) => column.buffer === curve.time.buffer);
  return shared ? { time: curve.time.slice(), value: curve.value.slice() } : curve;
}

/** Runs the bar loop over the copied-in feeds. */
function run(
  definition: StrategyDefinition,
  input: IsolateInput,
  progress: ProgressCallback | undefined,
  held?: readonly Float64Array[],
): IsolateOutput {
  // Its own generator of the run's seed, as a fresh context's is: a batch's trials share a
  // context (StrategySandbox.runPackedTrials), never a sequence.
  const before = currentRandom;
  currentRandom = mulberry32(input.settings.seed);
  try {
    const engine = new Engine(unpackFeeds(input, held), input.settings);
    current = engine;
    // The curve goes out cut (copied) or not at all: its columns can be this context's own. A
    // whole curve goes out as it is, and a view's whole buffer would be copied with it.
    const cut = input.equityPoints > 0;
    let slot = 0;
    const result = engine.run(definition, {
      ...(cut ? { allocate: (length: number) => scratchColumn(slot++, length) } : {}),
      synchronousOnly: true,
      params: input.params,
      recordSignals: input.recordSignals,
      ...(input.warmupUntil === undefined ? {} : { warmupUntil: input.warmupUntil }),
      ...(input.paused === undefined ? {} : { paused: input.paused }),
      progressEvery: input.progressEvery,
      onProgress: progress,
    });
    // Cut here, so a million-step curve is not copied out to be cut by the host; what research
    // needs of every step is computed here too.
    const equity = cut
      ? ownColumns(downsampleColumns(result.equity.time, result.equity.value, input.equityPoints))
      : result.equity;
    const stats =
      input.returnBlocks === null
        ? {}
        : {
            returnStats: returnStats(
              result.equity.value,
              input.returnBlocks,
              cut ? scratchColumn(RETURNS_SLOT, result.equity.value.length) : undefined,
            ),
          };
    return {
      ok: true,
      result: { ...result, ...stats, trades: [], equity },
      trades: packTrades(input.keepTrades === false ? [] : result.trades),
    };
  } catch (error) {
    return { ok: false, error: classify(error) };
  } finally {
    currentRandom = before;
  }
}

/** Checks the definition's shape, and its declarations against `limits`; returns the declarations. */
function inspect(
  definition: unknown,
  limits: ParamLimits,
): { ok: true; params: ParamSpecs } | { ok: false; error: IsolateError } {
  try {
    const d = checkDefinition(definition);
    // A plain copy within the bounds; the JSON round trip then keeps only data (no -0, NaN, holes).
    const params = declaredParams(d.params, limits);
    return { ok: true, params: JSON.parse(JSON.stringify(params)) as ParamSpecs };
  } catch (error) {
    return { ok: false, error: classify(error) };
  }
}

/** The definition the last {@link load} made, until the host takes it with {@link loaded}. */
let lastLoaded: unknown;

/**
 * Runs a strategy module's top level (`factory`, made by module-wrap.ts) and keeps its default
 * export for {@link loaded}. Answers JSON `{ ok }` or the coded error: what the module threw stays
 * here (isolated-vm would read a thrown value on the host, outside any timeout). Each load has its
 * own generator of `seed` and no engine clock, so a compile and every later load of the module (in
 * a fresh context or in a tenant's, after other loads) see the same values.
 */
function load(factory: unknown, seed: number): string {
  lastLoaded = undefined;
  current = undefined;
  currentRandom = mulberry32(seed);
  try {
    if (typeof factory !== 'function') throw new Error('the module did not load');
    const definition: unknown = (factory as () => unknown)();
    if (typeof definition !== 'object' || definition === null)
      return JSON.stringify({
        ok: false,
        error: {
          code: 'STRATEGY_DEFINITION_INVALID',
          message: 'the strategy module needs a default export (defineStrategy({ … }))',
        },
      });
    lastLoaded = definition;
    return JSON.stringify({ ok: true });
  } catch (error) {
    return JSON.stringify({ ok: false, error: classify(error) });
  } finally {
    currentRandom = undefined;
  }
}

/** The definition of the last {@link load}, once (the host holds it by reference, never copied). */
function loaded(): unknown {
  const definition = lastLoaded;
  lastLoaded = undefined;
  return definition;
}

/** Live runs of the tenant this context belongs to (isolate-live.ts). */
const live = createLiveApi({
  enter(engine, random) {
    current = engine;
    currentRandom = random;
  },
  classify,
  seeded: mulberry32,
});

(globalThis as unknown as { __tickline: unknown }).__tickline = Object.freeze({
  harden,
  run,
  inspect,
  load,
  loaded,
  live,
});
