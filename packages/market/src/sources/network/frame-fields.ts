/**
 * @module Reading venue JSON defensively: a frame that is not JSON, or lacks a field a message
 * cannot do without, throws {@link MalformedFrameError} (counted, skipped). Values that parse but
 * are wrong (a price of "abc", a negative size) pass on as NaN or as is, for the collector's
 * validation to reject by reason and keep in quarantine.
 */

/** A frame the dialect could not read. */
export class MalformedFrameError extends Error {
  override readonly name = 'MalformedFrameError';
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a frame that must be a JSON object (or, with `allowArray`, an array). */
export function parseJsonFrame(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedFrameError(`not JSON: ${text.slice(0, 60)}`);
  }
}

/** The object at `value`, or a malformed-frame error naming `what`. */
export function requireObject(value: unknown, what: string): JsonObject {
  if (!isJsonObject(value)) throw new MalformedFrameError(`${what} is not an object`);
  return value;
}

/** A string or number field (ids arrive as either), as a string. */
export function requireId(o: JsonObject, key: string): string {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v !== '') return v;
  throw new MalformedFrameError(`field ${key} missing`);
}

export function requireString(o: JsonObject, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new MalformedFrameError(`field ${key} missing`);
  return v;
}

/** The first present key among aliases (Upbit DEFAULT and SIMPLE key sets). */
export function pick(o: JsonObject, ...keys: readonly string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}

/** The canonical symbol for a venue symbol, or a malformed-frame error. */
export function requireSymbol(venueSymbol: unknown, canonical: (venue: string) => string | null): string {
  const s = typeof venueSymbol === 'string' ? canonical(venueSymbol) : null;
  if (s === null) throw new MalformedFrameError(`unreadable symbol ${String(venueSymbol)}`);
  return s;
}
