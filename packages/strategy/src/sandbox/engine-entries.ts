/**
 * @module How the host reaches the engine inside an isolate. The engine script leaves its entry
 * points on `globalThis.__tickline`; the host takes a reference to each of them, then `harden`
 * locks the realm and deletes `__tickline` — all before a user's module is compiled. User code
 * therefore finds nothing of the engine on the global (it once could: a live step could call
 * `liveFill` and book fills the host trusted), and the host calls the entry points only through
 * the references it holds.
 */
import type ivm from 'isolated-vm';
import { type Logger, TicklineError } from '@tickline/kernel';
import { boundMessage } from './error-bounds.ts';
import { isolateBundle } from './isolate-bundle.ts';

/** An entry point as the host holds it. */
export type EntryRef = ivm.Reference<(...args: unknown[]) => unknown>;

/** The entry points of isolate-entry.ts, as references held by the host. */
export interface EngineEntries<Live extends string = never> {
  run: EntryRef;
  inspect: EntryRef;
  /** Runs a wrapped module's top level in the isolate (module-load.ts). */
  load: EntryRef;
  /** The definition the last `load` made, by reference. */
  loaded: EntryRef;
  /** The live API's entry points asked for (isolate-live.ts). */
  live: Record<Live, EntryRef>;
  /** Releases every reference (the isolate's disposal releases them too). */
  release(): void;
}

/** V8's code cache for the engine script, made by the first compile in this process. */
let bundleCache: ivm.ExternalCopy<ArrayBuffer> | undefined;

/** Compiles the engine script in `isolate`, with V8's code cache after the first time. */
export async function compileBundle(isolate: ivm.Isolate): Promise<ivm.Script> {
  const script = await isolate.compileScript(isolateBundle(), {
    filename: 'tickline-engine.js',
    ...(bundleCache === undefined ? { produceCachedData: true } : { cachedData: bundleCache }),
  });
  // The typings omit it, but a script compiled with produceCachedData carries its cache.
  const produced = (script as ivm.Script & ivm.CachedDataResult).cachedData;
  if (bundleCache === undefined && produced !== undefined) bundleCache = produced;
  return script;
}

/**
 * A script run in each realm just before `harden`, or none: the tests' seam for a realm set-up
 * that throws (a `gc` made a getter once made every set-up throw, and backtests hung). Set only by
 * a test's process entry (testing/broken-realm-entry.ts), never by the server.
 */
let beforeHarden: string | undefined;

/** Runs `script` in every realm this process sets up from now on, before it is hardened (tests). */
export function setBeforeHarden(script: string | undefined): void {
  beforeHarden = script;
}

/**
 * STRATEGY_SANDBOX_SETUP_FAILED with what went wrong in the message: the host logs it and answers
 * the caller a fixed text (StrategyProcesses), a sandbox process logs it at its warm-up.
 */
export function realmSetupFailed(error: unknown): TicklineError {
  const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new TicklineError('STRATEGY_SANDBOX_SETUP_FAILED', boundMessage(`realm set-up failed: ${why}`), {
    cause: error,
  });
}

/** What a caller is told of a realm set-up that failed (the log has why). */
const SETUP_FAILED_MESSAGE = 'the sandbox could not set up a realm for the strategy; none of its code ran';

/**
 * A sandbox process's answer as its caller gets it: a realm set-up that failed is logged with why
 * ('sandbox realm set-up failed') and becomes a fixed text (the why is the platform's); any other
 * error is returned as it is, to be thrown.
 */
export function toldSetupFailure(error: unknown, logger: Logger | undefined): unknown {
  if (!(error instanceof TicklineError) || error.code !== 'STRATEGY_SANDBOX_SETUP_FAILED') return error;
  logger?.error({ err: error }, 'sandbox realm set-up failed');
  return new TicklineError('STRATEGY_SANDBOX_SETUP_FAILED', SETUP_FAILED_MESSAGE);
}

/** Releases a reference whose isolate may already be gone. */
function quietly(ref: ivm.Reference): void {
  try {
    ref.release();
  } catch {
    // Released with its isolate.
  }
}

/**
 * Runs the engine script in `context`, takes its entry points (and the live ones named) and hardens
 * the realm with `seed` (which removes `__tickline`). Call before compiling any user code into the
 * isolate.
 */
export async function loadEngine<Live extends string = never>(
  isolate: ivm.Isolate,
  context: ivm.Context,
  seed: number,
  timeout: number,
  liveNames: readonly Live[] = [],
): Promise<EngineEntries<Live>> {
  const script = await compileBundle(isolate);
  await script.run(context, { timeout });
  const exported = await context.global.get('__tickline', { reference: true });
  const held: ivm.Reference[] = [];
  const take = async (from: ivm.Reference, name: string): Promise<EntryRef> => {
    const ref = (await from.get(name, { reference: true })) as EntryRef;
    held.push(ref);
    return ref;
  };
  try {
    const run = await take(exported, 'run');
    const inspect = await take(exported, 'inspect');
    const load = await take(exported, 'load');
    const loaded = await take(exported, 'loaded');
    const live = {} as Record<Live, EntryRef>;
    if (liveNames.length > 0) {
      const liveApi = await exported.get('live', { reference: true });
      try {
        for (const name of liveNames) live[name] = await take(liveApi, name);
      } finally {
        quietly(liveApi);
      }
    }
    const harden = await exported.get('harden', { reference: true });
    try {
      if (beforeHarden !== undefined) await context.eval(beforeHarden, { timeout });
      await harden.apply(undefined, [seed], { timeout });
    } catch (error) {
      // No user code has run yet: this is ours, answered with its code rather than as a fault
      // that retires the process (one that throws for every realm would only be replaced by
      // another that does). An isolate stopped meanwhile (a cancel, a limit) says so by itself.
      if (isolate.isDisposed) throw error;
      throw realmSetupFailed(error);
    } finally {
      quietly(harden);
    }
    return { run, inspect, load, loaded, live, release: () => held.forEach(quietly) };
  } catch (error) {
    held.forEach(quietly);
    throw error;
  } finally {
    quietly(exported);
  }
}
