/**
 * @module Turning driver errors (node-postgres, PGlite, or PGlite's fields sent back from its
 * worker) into {@link StoreError}s with stable codes. The SQLSTATE decides the code; the server's
 * `detail` line (which can quote row values) stays on the cause, out of `details`.
 */
import { StoreError, type StoreErrorCode } from './errors.ts';
import { databaseErrorFields, type DatabaseErrorFields } from './values/database-error-fields.ts';

export type { DatabaseErrorFields };

/** Longest statement prefix kept in error details. */
const STATEMENT_PREVIEW_CHARS = 200;

function codeForSqlState(state: string): StoreErrorCode {
  if (state === '23505') return 'STORE_UNIQUE_VIOLATION';
  if (state.startsWith('23')) return 'STORE_CONSTRAINT_VIOLATION';
  if (state === '40001' || state === '40P01') return 'STORE_SERIALIZATION_FAILURE';
  // connection exceptions, shutdowns, too many connections, authentication, unknown database
  if (state.startsWith('08') || state.startsWith('28') || state.startsWith('57P'))
    return 'STORE_CONNECTION_FAILED';
  if (state === '53300' || state === '3D000') return 'STORE_CONNECTION_FAILED';
  return 'STORE_QUERY_FAILED';
}

const CONNECTION_MESSAGE =
  /connect|terminat|timeout|timed out|closed|ECONN|EPIPE|ENOTFOUND|EAI_AGAIN|socket/i;

/** Maps any error thrown while running `statement` to a StoreError (StoreErrors pass through). */
export function toStoreError(error: unknown, statement?: string): StoreError {
  if (error instanceof StoreError) return error;
  const fields = databaseErrorFields(error);
  const cause = error instanceof Error ? error : Object.assign(new Error(fields.message), fields);
  const preview = statement === undefined ? {} : { statement: statement.slice(0, STATEMENT_PREVIEW_CHARS) };
  if (fields.sqlState) {
    const details: Record<string, unknown> = { sqlState: fields.sqlState, ...preview };
    for (const key of ['constraint', 'table', 'column', 'schema'] as const) {
      if (fields[key] !== undefined) details[key] = fields[key];
    }
    return new StoreError(codeForSqlState(fields.sqlState), fields.message, { cause, details });
  }
  const network = isNetworkError(error);
  const message = network ? networkMessage(error as NetworkError) : fields.message;
  const code: StoreErrorCode =
    network || CONNECTION_MESSAGE.test(message) ? 'STORE_CONNECTION_FAILED' : 'STORE_QUERY_FAILED';
  return new StoreError(code, message, { cause, details: preview });
}

interface NetworkError {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** Socket errors from Node: `ECONNREFUSED`…, or an AggregateError of them (one per address tried). */
function isNetworkError(error: unknown): boolean {
  const e = error as NetworkError | null;
  if (typeof e !== 'object' || e === null) return false;
  return typeof e.syscall === 'string' || (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code));
}

// An AggregateError's own message is empty; name the first attempt instead.
function networkMessage(error: NetworkError): string {
  const first = Array.isArray(error.errors) ? (error.errors[0] as NetworkError | undefined) : undefined;
  const message = typeof error.message === 'string' && error.message ? error.message : first?.message;
  return typeof message === 'string' && message ? message : `network error ${String(error.code)}`;
}
