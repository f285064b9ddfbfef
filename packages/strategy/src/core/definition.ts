/**
 * @module What a strategy module exports: declared parameters and the `onCandle` handler, and
 * the check that turns user-supplied parameter values into validated ones.
 */
import { TicklineError } from '@tickline/kernel';
import type { InitContext, StrategyContext } from './context.ts';
import type { ParamSpecs, ParamValues } from './types.ts';

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

/** Bounds on a strategy's parameter declarations (config `strategy.params`), checked at compile. */
export interface ParamLimits {
  maxParams: number;
  maxNameChars: number;
  /** A description, and each value of an enum. */
  maxTextChars: number;
  maxEnumValues: number;
}

export const DEFAULT_PARAM_LIMITS: Readonly<ParamLimits> = Object.freeze({
  maxParams: 64,
  maxNameChars: 64,
  maxTextChars: 200,
  maxEnumValues: 64,
});

function tooLarge(message: string, details: Record<string, unknown>): TicklineError {
  return new TicklineError('STRATEGY_DEFINITION_TOO_LARGE', message, { details });
}

/**
 * Throws STRATEGY_DEFINITION_TOO_LARGE unless the declarations keep to `limits`: 40,000 declared
 * parameters once made every version response 3.8 MB. Counted before anything is read per entry.
 */
function checkParamBounds(params: object, limits: ParamLimits): void {
  const names = Object.keys(params);
  if (names.length > limits.maxParams)
    throw tooLarge(
      `the strategy declares ${names.length} parameters; at most ${limits.maxParams} are allowed`,
      {
        limit: 'maxParams',
        value: limits.maxParams,
        declared: names.length,
      },
    );
  for (const name of names) {
    if (name.length > limits.maxNameChars)
      throw tooLarge(`a parameter name is longer than ${limits.maxNameChars} characters`, {
        limit: 'maxNameChars',
        value: limits.maxNameChars,
      });
    const spec = (params as Record<string, { description?: unknown; values?: unknown }>)[name];
    const description = spec?.description;
    if (typeof description === 'string' && description.length > limits.maxTextChars)
      throw tooLarge(`the description of ${name} is longer than ${limits.maxTextChars} characters`, {
        limit: 'maxTextChars',
        value: limits.maxTextChars,
        param: name,
      });
    const values = spec?.values;
    if (!Array.isArray(values)) continue;
    if (values.length > limits.maxEnumValues)
      throw tooLarge(`${name} lists more than ${limits.maxEnumValues} values`, {
        limit: 'maxEnumValues',
        value: limits.maxEnumValues,
        param: name,
      });
    if (values.some((v) => typeof v !== 'string' || v.length > limits.maxTextChars))
      throw tooLarge(`the values of ${name} must be strings of at most ${limits.maxTextChars} characters`, {
        limit: 'maxTextChars',
        value: limits.maxTextChars,
        param: name,
      });
  }
}

/**
 * Throws STRATEGY_DEFINITION_INVALID unless `value` has the shape of a {@link StrategyDefinition};
 * with `limits` (at compile), STRATEGY_DEFINITION_TOO_LARGE past them.
 */
export function checkDefinition(value: unknown, limits?: ParamLimits): StrategyDefinition {
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
  if (limits !== undefined) checkParamBounds(params, limits);
  for (const [name, spec] of Object.entries(params)) {
    const ok =
      spec !== null &&
      typeof spec === 'object' &&
      (((spec.type === 'int' || spec.type === 'float') && typeof spec.default === 'number') ||
        (spec.type === 'bool' && typeof spec.default === 'boolean') ||
        (spec.type === 'enum' && Array.isArray(spec.values) && spec.values.includes(spec.default)));
    if (!ok) {
      throw new TicklineError('STRATEGY_DEFINITION_INVALID', `parameter ${name} is not a valid declaration`, {
        details: { param: name },
      });
    }
  }
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
