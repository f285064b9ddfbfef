/**
 * @module Node's `module.stripTypeScriptTypes` without its ExperimentalWarning. Node prints that
 * warning on the first call of the process (a save, a run, building the isolate's script), which
 * lands in terminals and test output although the feature is the one this package relies on.
 * Only that one warning is dropped, and only while the call runs.
 */
import { stripTypeScriptTypes } from 'node:module';

type StripOptions = Parameters<typeof stripTypeScriptTypes>[1];

function isStripWarning(warning: unknown, rest: unknown[]): boolean {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type;
  const text = warning instanceof Error ? warning.message : String(warning);
  const name = warning instanceof Error ? warning.name : type;
  return name === 'ExperimentalWarning' && text.startsWith('stripTypeScriptTypes ');
}

/** `stripTypeScriptTypes(source, options)`, silent about being experimental. */
export function stripTypeScript(source: string, options?: StripOptions): string {
  const original = Object.getOwnPropertyDescriptor(process, 'emitWarning')!;
  const emit = original.value as (...args: unknown[]) => void;
  // The call is synchronous: nothing else can emit a warning while the filter is in place.
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    if (!isStripWarning(warning, rest)) emit.call(process, warning, ...rest);
  };
  try {
    return stripTypeScriptTypes(source, options);
  } finally {
    Object.defineProperty(process, 'emitWarning', original);
  }
}
