/**
 * @module The bounds on a strategy's parameter declarations, checked at compile: 40,000 declared
 * parameters once made every version response 3.8 MB. What is stored is a plain copy of the
 * declarations, each field read once and only the known ones kept, so a getter cannot answer the
 * check one value and the stored copy another, and no extra field rides along. Pure: it runs in
 * the isolate.
 */
import { TicklineError } from '@tickline/kernel';
import { checkParamSpec } from './definition.ts';
import type { ParamSpec, ParamSpecs } from './types.ts';

/** Bounds on a strategy's parameter declarations (config `strategy.params`). */
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

function tooLarge(message: string, limit: keyof ParamLimits, value: number, more = {}): TicklineError {
  return new TicklineError('STRATEGY_DEFINITION_TOO_LARGE', message, {
    details: { limit, value, ...more },
  });
}

/** The numeric fields a declaration may have besides its default. */
const SPEC_NUMBERS = ['min', 'max', 'step'] as const;

/** One declaration as plain data, within `limits`. */
function copySpec(name: string, spec: unknown, limits: ParamLimits): ParamSpec {
  if (spec === null || typeof spec !== 'object') {
    checkParamSpec(name, spec);
  }
  const raw = spec as Record<string, unknown>;
  const copy: Record<string, unknown> = { type: raw.type, default: raw.default };
  for (const key of SPEC_NUMBERS) {
    const v = raw[key];
    if (typeof v === 'number') copy[key] = v;
  }
  const description = raw.description;
  if (typeof description === 'string') {
    if (description.length > limits.maxTextChars)
      throw tooLarge(
        `the description of ${name} is longer than ${limits.maxTextChars} characters`,
        'maxTextChars',
        limits.maxTextChars,
        { param: name },
      );
    copy.description = description;
  }
  const values = raw.values;
  if (Array.isArray(values)) {
    if (values.length > limits.maxEnumValues)
      throw tooLarge(
        `${name} lists more than ${limits.maxEnumValues} values`,
        'maxEnumValues',
        limits.maxEnumValues,
        { param: name },
      );
    const list = Array.from(values as unknown[]);
    if (list.some((v) => typeof v !== 'string' || v.length > limits.maxTextChars))
      throw tooLarge(
        `the values of ${name} must be strings of at most ${limits.maxTextChars} characters`,
        'maxTextChars',
        limits.maxTextChars,
        { param: name },
      );
    copy.values = list;
  }
  checkParamSpec(name, copy);
  return copy as ParamSpec;
}

/** The declarations as plain data within `limits`; STRATEGY_DEFINITION_TOO_LARGE past them. */
export function declaredParams(params: unknown, limits: ParamLimits): ParamSpecs {
  if (params === undefined) return {};
  if (typeof params !== 'object' || params === null)
    throw new TicklineError('STRATEGY_DEFINITION_INVALID', 'params must be an object of declarations');
  // Counted before anything is read per entry.
  const names = Object.keys(params);
  if (names.length > limits.maxParams)
    throw tooLarge(
      `the strategy declares ${names.length} parameters; at most ${limits.maxParams} are allowed`,
      'maxParams',
      limits.maxParams,
      { declared: names.length },
    );
  const out: Record<string, ParamSpec> = {};
  for (const name of names) {
    if (name.length > limits.maxNameChars)
      throw tooLarge(
        `a parameter name is longer than ${limits.maxNameChars} characters`,
        'maxNameChars',
        limits.maxNameChars,
      );
    out[name] = copySpec(name, (params as Record<string, unknown>)[name], limits);
  }
  return out;
}
