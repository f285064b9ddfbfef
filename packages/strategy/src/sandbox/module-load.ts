/**
 * @module Loads a strategy module into a context whose engine is loaded (engine-entries.ts): V8
 * compiles it as a module first (its syntax errors with their positions, its imports refused),
 * then module-wrap.ts makes it a function and the isolate's own `load` runs its top level. The host
 * gets a JSON answer and a reference to the definition — never a value the module threw.
 */
import type ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import type { EngineEntries } from './engine-entries.ts';
import { boundMessage } from './error-bounds.ts';
import { wrapModule } from './module-wrap.ts';

export const MODULE_FILENAME = 'strategy.js';

/** `[file:line:col]` at the end of V8 messages from isolated-vm. */
const POSITION = /\[[^\]]*?:(\d+):(\d+)\]\s*$/;

/** A syntax error with its position, from an isolated-vm compile error. */
export function syntaxError(error: unknown): TicklineError {
  if (error instanceof TicklineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const m = POSITION.exec(message);
  const details = m === null ? {} : { line: Number(m[1]), column: Number(m[2]) };
  return new TicklineError('STRATEGY_SYNTAX_ERROR', boundMessage(message.replace(POSITION, '').trim()), {
    details,
  });
}

/** The module's code as a script ready to run in any context of `isolate`. */
async function compileWrapped(isolate: ivm.Isolate, code: string): Promise<ivm.Script> {
  let module: ivm.Module;
  try {
    module = await isolate.compileModule(code, { filename: MODULE_FILENAME });
  } catch (error) {
    throw syntaxError(error);
  }
  const imported = module.dependencySpecifiers[0];
  module.release();
  if (imported !== undefined)
    throw new TicklineError(
      'STRATEGY_FORBIDDEN_API',
      `imports are not available to strategies (${imported})`,
      {
        details: { api: 'import', specifier: imported },
      },
    );
  const wrapped = wrapModule(code);
  try {
    return await isolate.compileScript(wrapped.script, {
      filename: MODULE_FILENAME,
      lineOffset: -wrapped.lineOffset,
    });
  } catch (error) {
    throw syntaxError(error);
  }
}

/** What a load answers when it failed, as the isolate says it (its code checked by the caller). */
export interface LoadRefusal {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** How a loader reaches the isolate: synchronously (a live process) or not (a compile's watchdog needs the event loop). */
export type LoadMode = 'sync' | 'async';

/** Options of a load: how it reaches the isolate, its bound, what a refusal becomes. */
export interface LoadOptions {
  seed: number;
  mode: LoadMode;
  timeout: () => number;
  refused: (error: LoadRefusal) => Error;
}

/**
 * The module as a function in `context` (the wrapper's function expression: no user code has run);
 * each {@link loadFromFactory} of it runs the module's top level afresh. The caller releases it.
 */
export async function moduleFactory(
  isolate: ivm.Isolate,
  context: ivm.Context,
  code: string,
  options: Pick<LoadOptions, 'mode' | 'timeout'>,
): Promise<ivm.Reference> {
  const script = await compileWrapped(isolate, code);
  try {
    const runOptions = { reference: true, timeout: options.timeout() } as const;
    return options.mode === 'sync' ? script.runSync(context, runOptions) : await script.run(context, runOptions);
  } finally {
    script.release();
  }
}

/**
 * Runs the module's top level from its factory with its own generator of `seed` (the module's
 * variables are the factory call's own: a second load starts from nothing the first left) and
 * returns the definition by reference; throws as {@link loadModule} does.
 */
export async function loadFromFactory(
  entries: Pick<EngineEntries, 'load' | 'loaded'>,
  factory: ivm.Reference,
  options: LoadOptions,
): Promise<ivm.Reference> {
  const sync = options.mode === 'sync';
  const args = [factory.derefInto(), options.seed];
  const answer = sync
    ? entries.load.applySync(undefined, args, { timeout: options.timeout() })
    : await entries.load.apply(undefined, args, { timeout: options.timeout() });
  const parsed = JSON.parse(answer as string) as { ok: true } | { ok: false; error: LoadRefusal };
  if (!parsed.ok) throw options.refused(parsed.error);
  const take = { result: { reference: true } } as const;
  return sync ? entries.loaded.applySync(undefined, [], take) : await entries.loaded.apply(undefined, [], take);
}

/**
 * Loads `code` in `context` with its own generator of `seed`, each call bounded by `timeout` (ms,
 * or a function of the time left). Returns the definition by reference; throws the coded error
 * `refused` makes of the isolate's answer, or isolated-vm's own error (a timeout, memory).
 */
export async function loadModule(
  isolate: ivm.Isolate,
  context: ivm.Context,
  entries: Pick<EngineEntries, 'load' | 'loaded'>,
  options: { code: string } & LoadOptions,
): Promise<ivm.Reference> {
  // Runs only the wrapper's function expression: no user code yet.
  const factory = await moduleFactory(isolate, context, options.code, options);
  try {
    return await loadFromFactory(entries, factory, options);
  } finally {
    factory.release();
  }
}
