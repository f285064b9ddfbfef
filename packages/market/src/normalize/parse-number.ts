/** @module Numeric parsing for venue payloads, which send decimals as strings or numbers. */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A number from a venue field: a finite number as is, a decimal string parsed; anything else
 * (empty strings, `"0x10"`, `"1,5"`, booleans, null) gives NaN so validation rejects it.
 */
export function parseDecimal(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const s = value.trim();
  return DECIMAL.test(s) ? Number(s) : Number.NaN;
}

/**
 * Epoch milliseconds from a number (ms; values below 1e11 are taken as seconds, above 1e14 as
 * microseconds, above 1e17 as nanoseconds), a digit string, or an ISO-8601 string. NaN otherwise.
 */
export function parseTimestampMs(value: unknown): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) n = Number(value.trim());
  else if (typeof value === 'string' && value.trim() !== '') return Date.parse(value.trim());
  else return Number.NaN;
  if (!Number.isFinite(n)) return Number.NaN;
  if (n >= 1e17) return Math.floor(n / 1e6);
  if (n >= 1e14) return Math.floor(n / 1e3);
  if (n < 1e11) return Math.round(n * 1000);
  return n;
}
