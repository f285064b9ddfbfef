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

/**
 * Largest frame read, in UTF-16 code units. Venue frames are a few hundred bytes (a Coinbase
 * `market_trades` snapshot of 50 trades is ~10 kB); the socket already refuses frames over
 * `maxFrameBytes` by their declared length, and this guards callers that hand text in directly.
 */
export const MAX_FRAME_CHARS = 1024 * 1024;
/** Deepest array/object nesting read: venue layouts nest three levels at most. */
export const MAX_FRAME_DEPTH = 16;

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The deepest nesting in a JSON text, stopping once it passes `limit`: one linear pass, so
 * `JSON.parse` never builds the objects of a frame shaped to exhaust the stack or the heap.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/**
 * Parses a frame that must be JSON, refusing before parsing text over {@link MAX_FRAME_CHARS}
 * or nested deeper than {@link MAX_FRAME_DEPTH}.
 */
export function parseJsonFrame(text: string): unknown {
  if (text.length > MAX_FRAME_CHARS) throw new MalformedFrameError(`frame of ${text.length} chars is too large`);
  if (jsonDepthExceeds(text, MAX_FRAME_DEPTH)) throw new MalformedFrameError('frame nested too deep');
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
