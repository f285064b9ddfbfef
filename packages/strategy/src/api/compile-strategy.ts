/**
 * @module Turns saved source into runnable JavaScript: size check, TypeScript stripped with
 * Node's `module.stripTypeScriptTypes` (positions are kept: types become whitespace), a parse in
 * an isolate, and a load in the sandbox that checks the default export and reads its parameter
 * declarations. Every failure is coded and syntax errors carry line and column.
 */
import { inspect } from 'node:util';
import { TicklineError } from '@tickline/kernel';
import type { ParamSpecs } from '../core/definition.ts';
import type { ParamLimits } from '../core/param-bounds.ts';
import { StrategySandbox } from '../sandbox/sandbox.ts';
import { stripTypeScript } from './strip-typescript.ts';
import type { SandboxLimits } from '../sandbox/sandbox.ts';

/** Largest source accepted at save. @default 128 KiB */
export const DEFAULT_MAX_CODE_BYTES = 128 * 1024;

/** Limits for loading a module at save time (no bars run). */
const INSPECT_LIMITS: SandboxLimits = { memoryMb: 32, cpuMs: 2_000 };

export type SourceLanguage = 'typescript' | 'javascript';

export interface CompiledStrategy {
  /** Runnable JavaScript with the same line and column layout as the source. */
  js: string;
  params: ParamSpecs;
}

export interface CompileOptions {
  language?: SourceLanguage;
  maxBytes?: number;
  /** Bounds on the parameter declarations. @default DEFAULT_PARAM_LIMITS */
  params?: ParamLimits;
}

/**
 * Node reports a strip error's position only in its decorated stack: `file:line`, the source
 * line, then a caret line under the column. util.inspect prints that decoration.
 */
function positionOf(error: unknown, filename: string): { line?: number; column?: number } {
  const lines = inspect(error).split('\n');
  const head = lines.findIndex((l) => l.startsWith(`${filename}:`));
  if (head < 0) return {};
  const line = Number(lines[head]!.slice(filename.length + 1));
  const caret = lines.findIndex((l, i) => i > head && /^\s*\^+\s*$/.test(l));
  return caret < 0 ? { line } : { line, column: lines[caret]!.indexOf('^') + 1 };
}

/** TypeScript → JavaScript, or STRATEGY_SYNTAX_ERROR with the position. */
export function stripTypes(source: string, filename = 'strategy.ts'): string {
  try {
    return stripTypeScript(source, { mode: 'strip', sourceUrl: filename });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_INVALID_TYPESCRIPT_SYNTAX' && code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') {
      // The stripper itself failed (a deeply nested source overflows its parser and traps its
      // WebAssembly instance): not the user's syntax, and its message is about Node's internals.
      throw new TicklineError(
        'STRATEGY_SYNTAX_ERROR',
        'the code could not be parsed: it nests too deeply or is too complex for the TypeScript stripper',
        { cause: error },
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new TicklineError('STRATEGY_SYNTAX_ERROR', message, { details: positionOf(error, filename) });
  }
}

/** STRATEGY_CODE_TOO_LARGE when `source` is over `maxBytes` of UTF-8. */
export function checkSourceSize(source: string, maxBytes = DEFAULT_MAX_CODE_BYTES): void {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > maxBytes) {
    throw new TicklineError(
      'STRATEGY_CODE_TOO_LARGE',
      `the code is ${bytes} bytes; the limit is ${maxBytes}`,
      {
        details: { bytes, maxBytes },
      },
    );
  }
}

/** Validates and compiles strategy source for saving (see module doc). */
export async function compileStrategy(
  source: string,
  options: CompileOptions = {},
): Promise<CompiledStrategy> {
  checkSourceSize(source, options.maxBytes);
  const js = options.language === 'javascript' ? source : stripTypes(source);
  const sandbox = new StrategySandbox(INSPECT_LIMITS);
  try {
    return { js, params: await sandbox.inspect(js, options.params) };
  } finally {
    sandbox.dispose();
  }
}
