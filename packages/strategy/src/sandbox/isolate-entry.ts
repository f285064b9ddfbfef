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
import { Engine } from '../core/engine.ts';
import type { EngineRunResult } from '../core/engine.ts';
import { indicators } from '../core/indicators.ts';
import { createLiveApi } from './isolate-live.ts';
import type { CandleColumns, EngineSettings, Feed } from '../core/types.ts';
import { PACKED_COLUMNS } from './packed-feeds.ts';
import type { PackedFeed } from './packed-feeds.ts';
import { VIOLATION } from './violation.ts';
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
  progressEvery: number;
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

/** Locks the realm down; called once per context, before the strategy module is evaluated. */
function harden(seed: number): void {
  const g = globalThis as unknown as Record<string, unknown>;
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
  Object.freeze(g);
}

function classify(error: unknown): IsolateError {
  const e = error as { code?: unknown; message?: unknown; details?: unknown; name?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message.slice(0, 1_000) : String(error).slice(0, 1_000);
  const at = current === undefined ? {} : { time: engineNow() };
  if (typeof e?.code === 'string' && e.code.startsWith('STRATEGY_')) {
    const details =
      typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : {};
    return { code: e.code, message, details: { ...details, ...at } };
  }
  if (e instanceof RangeError && /call stack/i.test(message))
    return { code: 'STRATEGY_STACK_OVERFLOW', message, details: at };
  if (e instanceof TypeError && VIOLATION.test(message))
    return { code: 'STRATEGY_SANDBOX_VIOLATION', message, details: at };
  return {
    code: 'STRATEGY_RUNTIME_ERROR',
    message,
    details: { ...at, name: typeof e?.name === 'string' ? e.name : 'Error' },
  };
}

/** Views on the packed buffer, feed by feed, column by column. */
function unpackFeeds(input: IsolateInput): Feed[] {
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

/** Runs the bar loop over the copied-in feeds. */
function run(
  definition: StrategyDefinition,
  input: IsolateInput,
  progress: ProgressCallback | undefined,
): IsolateOutput {
  try {
    const engine = new Engine(unpackFeeds(input), input.settings);
    current = engine;
    const result = engine.run(definition, {
      synchronousOnly: true,
      params: input.params,
      recordSignals: input.recordSignals,
      progressEvery: input.progressEvery,
      onProgress: progress,
    });
    return { ok: true, result: { ...result, trades: [] }, trades: packTrades(result.trades) };
  } catch (error) {
    return { ok: false, error: classify(error) };
  }
}

/** Checks the definition's shape and returns its parameter declarations. */
function inspect(definition: unknown): { ok: true; params: ParamSpecs } | { ok: false; error: IsolateError } {
  try {
    const d = checkDefinition(definition);
    // A JSON round trip keeps only data: no getters or functions leave the isolate.
    return { ok: true, params: JSON.parse(JSON.stringify(d.params ?? {})) as ParamSpecs };
  } catch (error) {
    return { ok: false, error: classify(error) };
  }
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
  live,
});
