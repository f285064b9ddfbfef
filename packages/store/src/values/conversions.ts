/**
 * @module Value conversions shared by both adapters, so results and parameters have the same
 * JavaScript types on PGlite and PostgreSQL (the table is in `port/sql.ts`). PGlite's own
 * defaults were the starting point (int8 as a number unless unsafe, bytea as Uint8Array); the
 * node-postgres parsers are bent to match, and date/time types without a zone come back as text
 * on both, because turning them into a Date means guessing a zone.
 */
import type { SqlValue } from '../port/sql.ts';

/** PostgreSQL type OIDs whose parsing differs from a driver's default. */
export const TypeOid = {
  Bytea: 17,
  Int8: 20,
  ByteaArray: 1001,
  TextArray: 1009,
  Int8Array: 1016,
  Date: 1082,
  Timestamp: 1114,
  TimestampArray: 1115,
  DateArray: 1182,
  Interval: 1186,
  IntervalArray: 1187,
  Time: 1083,
  TimeArray: 1183,
} as const;

/** int8 text → number when exactly representable, otherwise bigint (never a rounded number). */
export function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

/** Text kept as PostgreSQL printed it. */
export function keepText(text: string): string {
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value) || value instanceof Date || ArrayBuffer.isView(value)) return false;
  return true;
}

/**
 * Normalizes parameters before either driver sees them: `undefined` → null, plain objects →
 * JSON text (so a jsonb parameter is encoded identically on both; PGlite would otherwise encode by
 * the server-side type and node-postgres by the JS type).
 */
export function prepareParams(params: readonly SqlValue[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((value) => {
    if (value === undefined) return null;
    if (isPlainObject(value)) return JSON.stringify(value);
    return value;
  });
}

/** DML command tags whose affected-row count is the statement's rowCount. */
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

/** The rowCount rule of the port, from a command tag, the affected rows and the returned rows. */
export function rowCountOf(
  command: string | undefined,
  affected: number | null | undefined,
  returned: number,
): number {
  return command && WRITE_COMMANDS.has(command) ? (affected ?? returned) : returned;
}
