/**
 * @module The isolate's script: the engine, the indicators of `@tickline/market` and the isolate
 * entry linked from their own source files — one implementation on the host and in the sandbox.
 */
import { createRequire } from 'node:module';
import { linkModules } from './link-modules.ts';
import type { VirtualModule } from './link-modules.ts';

/** The market files that define the indicators `ctx.ta` offers (checked against the package's exports in tests). */
export const MARKET_INDICATOR_FILES = [
  'moving-averages.ts',
  'moving-average-streams.ts',
  'rsi.ts',
  'macd.ts',
  'bollinger.ts',
  'atr.ts',
  'stochastic.ts',
  'volume.ts',
] as const;

const KERNEL_SHIM = `
class TicklineError extends Error {
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Defined, not assigned: Error.prototype is frozen in the isolate, and assigning a property
    // it has (name) would throw there.
    Object.defineProperties(this, {
      name: { value: 'TicklineError', writable: true, configurable: true },
      code: { value: code, writable: true, enumerable: true, configurable: true },
      details: { value: options.details, writable: true, enumerable: true, configurable: true },
    });
  }
}
const defineErrorCodes = (catalogue) => catalogue;
return { TicklineError, defineErrorCodes };`;

let cached: string | undefined;

/** The linked script (built once per process). */
export function isolateBundle(): string {
  if (cached !== undefined) return cached;
  const marketIndicators = new URL(
    createRequire(import.meta.url).resolve('@tickline/market/indicators'),
    'file://',
  );
  const marketFiles = MARKET_INDICATOR_FILES.map((f) => new URL(`./indicators/${f}`, marketIndicators));
  const market: VirtualModule = {
    specifier: '@tickline/market/indicators',
    uses: marketFiles,
    body: `return Object.freeze(Object.assign({}, ${marketFiles.map((u) => `__require('${u.href}')`).join(', ')}));`,
  };
  const kernel: VirtualModule = { specifier: '@tickline/kernel', uses: [], body: KERNEL_SHIM };
  cached = linkModules(new URL('./isolate-entry.ts', import.meta.url), [market, kernel]);
  return cached;
}
