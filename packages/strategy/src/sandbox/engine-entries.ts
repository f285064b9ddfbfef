/**
 * @module How the host reaches the engine inside an isolate. The engine script leaves its entry
 * points on `globalThis.__tickline`; the host takes a reference to each of them, then `harden`
 * locks the realm and deletes `__tickline` — all before a user's module is compiled. User code
 * therefore finds nothing of the engine on the global (it once could: a live step could call
 * `liveFill` and book fills the host trusted), and the host calls the entry points only through
 * the references it holds.
 */
import type ivm from 'isolated-vm';
import { isolateBundle } from './isolate-bundle.ts';
import type { LiveStepOutput } from './isolate-entry.ts';

/** The entry points of isolate-entry.ts, as references held by the host. */
export interface EngineEntries {
  run: ivm.Reference;
  inspect: ivm.Reference;
  liveOpen: ivm.Reference;
  liveAdvance: ivm.Reference<(...bar: Array<number | boolean>) => number | null>;
  liveTake: ivm.Reference<() => LiveStepOutput>;
  liveFill: ivm.Reference<(...args: unknown[]) => void>;
  liveDone: ivm.Reference<(id: number) => void>;
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

/** Releases a reference whose isolate may already be gone. */
function quietly(ref: ivm.Reference): void {
  try {
    ref.release();
  } catch {
    // Released with its isolate.
  }
}

const NAMES = ['run', 'inspect', 'liveOpen', 'liveAdvance', 'liveTake', 'liveFill', 'liveDone'] as const;

/**
 * Runs the engine script in `context`, takes its entry points and hardens the realm with `seed`
 * (which removes `__tickline`). Call before compiling any user code into the isolate.
 */
export async function loadEngine(
  isolate: ivm.Isolate,
  context: ivm.Context,
  seed: number,
  timeout: number,
): Promise<EngineEntries> {
  const script = await compileBundle(isolate);
  await script.run(context, { timeout });
  const exported = await context.global.get('__tickline', { reference: true });
  const held: ivm.Reference[] = [];
  try {
    const refs = {} as Record<(typeof NAMES)[number], ivm.Reference>;
    for (const name of NAMES) {
      refs[name] = await exported.get(name, { reference: true });
      held.push(refs[name]);
    }
    const harden = await exported.get('harden', { reference: true });
    try {
      await harden.apply(undefined, [seed], { timeout });
    } finally {
      quietly(harden);
    }
    const entries: EngineEntries = { ...refs, release: () => held.forEach(quietly) };
    return entries;
  } catch (error) {
    held.forEach(quietly);
    throw error;
  } finally {
    quietly(exported);
  }
}
