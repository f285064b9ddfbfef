/**
 * @module Evaluates a strategy module on the host thread. Only for trusted code (benchmarks and
 * tests comparing host and sandbox): it has none of the sandbox's limits.
 */
import { TicklineError } from '@tickline/kernel';
import type { StrategyDefinition } from '../core/definition.ts';

const EXPORT_DEFAULT = /^export\s+default\s+/m;

/** The default export of a strategy module written as one `export default …` expression. */
export function evaluateTrustedStrategy(js: string): StrategyDefinition {
  if (
    js.match(new RegExp(EXPORT_DEFAULT, 'gm'))?.length !== 1 ||
    /^\s*(import|export)\s(?!default)/m.test(js)
  ) {
    throw new TicklineError(
      'STRATEGY_DEFINITION_INVALID',
      'a trusted strategy module has one export default and no imports',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- trusted code by contract (see module doc)
  const factory = new Function('defineStrategy', js.replace(EXPORT_DEFAULT, 'return ')) as (
    d: (x: unknown) => unknown,
  ) => StrategyDefinition;
  return factory((x) => x);
}
