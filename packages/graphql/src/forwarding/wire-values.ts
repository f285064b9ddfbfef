/**
 * @module Port values on the request/reply wire: the ports answer Maps (a batch keyed by id) and
 * Dates (records' times), which plain JSON would flatten; they travel tagged and come back as the
 * same types, so a forwarded port answers exactly what the owner's own does.
 */

const MAP = '$map';
const DATE = '$date';

/** `value` as JSON-safe data, Maps and Dates tagged. */
export function toWire(value: unknown): unknown {
  if (value instanceof Map) return { [MAP]: [...value].map(([k, v]) => [toWire(k), toWire(v)]) };
  if (value instanceof Date) return { [DATE]: value.toISOString() };
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = toWire(inner);
    return out;
  }
  return value;
}

/** The value {@link toWire} was given. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === 'object') {
    const tagged = value as Record<string, unknown>;
    const keys = Object.keys(tagged);
    if (keys.length === 1 && keys[0] === MAP && Array.isArray(tagged[MAP]))
      return new Map((tagged[MAP] as Array<[unknown, unknown]>).map(([k, v]) => [fromWire(k), fromWire(v)]));
    if (keys.length === 1 && keys[0] === DATE && typeof tagged[DATE] === 'string')
      return new Date(tagged[DATE]);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(tagged)) out[key] = fromWire(inner);
    return out;
  }
  return value;
}
