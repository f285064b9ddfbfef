/**
 * @module What a strategy module exports: declared parameters and the `onCandle` handler, and
 * the check that turns user-supplied parameter values into validated ones.
 */
import { TicklineError } from '@tickline/kernel';
import type { InitContext, StrategyContext } from './context.ts';
import type { ParamSpec, ParamSpecs, ParamValues } from './types.ts';

export type { ParamSpec, ParamSpecs, ParamValues } from './types.ts';

/** A strategy: parameters, optional `init` (returns the initial `ctx.state`) and `onCandle`. */
export interface StrategyDefinition {
  params?: ParamSpecs;
  init?: (ctx: InitContext) => unknown;
  onCandle: (ctx: StrategyContext) => void;
}

function invalid(message: string, details: Record<string, unknown>): TicklineError {
  return new TicklineError('STRATEGY_PARAM_INVALID', message, { details });
}

/** Throws STRATEGY_DEFINITION_INVALID unless `spec` is a declaration of one of the four types. */
export function checkParamSpec(name: string, spec: unknown): void {
  const s = spec as ParamSpec | null;
  const ok =
    s !== null &&
    typeof s === 'object' &&
    (((s.type === 'int' || s.type === 'float') && typeof s.default === 'number') ||
      (s.type === 'bool' && typeof s.default === 'boolean') ||
      (s.type === 'enum' && Array.isArray(s.values) && s.values.includes(s.default)));
  if (!ok) {
    throw new TicklineError('STRATEGY_DEFINITION_INVALID', `parameter ${name} is not a valid declaration`, {
      details: { param: name },
    });
  }
}

/** Throws STRATEGY_DEFINITION_INVALID unless `value` has the shape of a {@link StrategyDefinition}. */
export function checkDefinition(value: unknown): StrategyDefinition {
  const d = value as StrategyDefinition | null;
  if (d === null || typeof d !== 'object' || typeof d.onCandle !== 'function') {
    throw new TicklineError(
      'STRATEGY_DEFINITION_INVALID',
      'the default export must be an object with an onCandle function',
    );
  }
  if (d.init !== undefined && typeof d.init !== 'function') {
    throw new TicklineError('STRATEGY_DEFINITION_INVALID', 'init must be a function');
  }
  const params = d.params ?? {};
  if (typeof params !== 'object' || params === null) {
    throw new TicklineError('STRATEGY_DEFINITION_INVALID', 'params must be an object of declarations');
  }
  for (const [name, spec] of Object.entries(params)) checkParamSpec(name, spec);
  return d;
}

/** Declared defaults overlaid with `given`; throws STRATEGY_PARAM_INVALID on any mismatch. */
export function resolveParams(
  specs: ParamSpecs | undefined,
  given: Readonly<Record<string, unknown>> = {},
): ParamValues {
  const out: ParamValues = {};
  const declared = specs ?? {};
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) throw invalid(`parameter ${name} is not declared`, { param: name });
  }
  for (const [name, spec] of Object.entries(declared)) {
    const value = Object.hasOwn(given, name) ? given[name] : spec.default;
    if (spec.type === 'bool') {
      if (typeof value !== 'boolean') throw invalid(`parameter ${name} must be a boolean`, { param: name });
    } else if (spec.type === 'enum') {
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        throw invalid(`parameter ${name} must be one of ${spec.values.join(', ')}`, { param: name });
      }
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw invalid(`parameter ${name} must be a finite number`, { param: name });
      }
      if (spec.type === 'int' && !Number.isInteger(value)) {
        throw invalid(`parameter ${name} must be an integer`, { param: name });
      }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        throw invalid(`parameter ${name} must be within [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`, {
          param: name,
          min: spec.min,
          max: spec.max,
        });
      }
    }
    out[name] = value;
  }
  return out;
}
