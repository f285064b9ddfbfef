/**
 * @module How much of a strategy's error leaves the sandbox. A strategy chooses its error's
 * message and details: a 10 MB message was once echoed back to its author through the API. Both
 * the isolate and the host cut them to these bounds (the host again, as it trusts nothing of
 * what comes out). Pure: linked into the isolate's script as it is.
 */

/**
 * Codes an error raised inside the isolate may keep: the ones a strategy can cause. A strategy can
 * throw any object with any `code`, so anything else (a platform code, a quota) is its runtime error.
 */
export const ISOLATE_CODES: ReadonlySet<string> = new Set([
  'STRATEGY_ORDER_INVALID',
  'STRATEGY_PARAM_INVALID',
  'STRATEGY_DEFINITION_INVALID',
  'STRATEGY_DEFINITION_TOO_LARGE',
  'STRATEGY_OUTPUT_LIMIT',
  'STRATEGY_FORBIDDEN_API',
  'STRATEGY_SANDBOX_VIOLATION',
  'STRATEGY_STACK_OVERFLOW',
  'STRATEGY_CONFIG_INVALID',
  'STRATEGY_RUNTIME_ERROR',
]);

/** Characters of an error message a user sees; longer ones end with {@link TRUNCATED_MARK}. */
export const MAX_ERROR_MESSAGE_CHARS = 1_000;
export const TRUNCATED_MARK = '… (truncated)';
/** Keys of an error's details kept; each value a number, boolean, null or a short string. */
const MAX_DETAIL_KEYS = 16;
const MAX_DETAIL_KEY_CHARS = 64;
const MAX_DETAIL_STRING_CHARS = 200;

/** `text` cut to `max` characters, marked when cut. */
export function boundMessage(text: string, max = MAX_ERROR_MESSAGE_CHARS): string {
  return text.length <= max ? text : text.slice(0, max - TRUNCATED_MARK.length) + TRUNCATED_MARK;
}

/**
 * The plain, small part of an error's details: at most 16 keys of primitive values, strings
 * bounded. Anything else (objects, functions, getters that throw) is left out.
 */
export function boundDetails(details: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof details !== 'object' || details === null) return out;
  try {
    let kept = 0;
    for (const key of Object.keys(details)) {
      if (kept === MAX_DETAIL_KEYS) break;
      if (key.length > MAX_DETAIL_KEY_CHARS) continue;
      const value: unknown = (details as Record<string, unknown>)[key];
      if (typeof value === 'string') out[key] = boundMessage(value, MAX_DETAIL_STRING_CHARS);
      else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value;
      else continue;
      kept++;
    }
  } catch {
    // A Proxy or getter that throws: what was read so far is kept.
  }
  return out;
}
