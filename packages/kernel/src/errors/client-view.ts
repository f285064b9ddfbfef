/**
 * @module What a client may read of a coded error, one rule for every transport (REST's error
 * handler, GraphQL's formatter): a platform fault (status 500) nothing — its text is for the log —
 * and a store error its code alone, since its message and details carry the statement and its
 * SQLSTATE; anything else all of it.
 */
import type { TicklineError } from './tickline-error.ts';

const STORE_CODE_PREFIX = 'STORE_';

export interface ClientView {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Whether `code` is the store's (whose text names statements). */
export const isStoreCode = (code: string): boolean => code.startsWith(STORE_CODE_PREFIX);

/** `error` as a client may read it at `status`; undefined for a platform fault (say only that it failed). */
export function clientView(error: TicklineError, status: number): ClientView | undefined {
  if (status === 500) return undefined;
  if (isStoreCode(error.code)) return { code: error.code, message: 'database error' };
  return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
}
