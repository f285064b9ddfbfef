/** @module Pieces both `Sql` adapters share: the health ping and the transaction-handle guard. */
import { StoreError } from './errors.ts';
import type { SqlHealth, SqlQueryable, SqlTx, SqlValue } from './port/sql.ts';

/** How long a health ping may take before the database counts as not answering. */
export const HEALTH_TIMEOUT_MS = 5_000;

/**
 * Round-trips `select 1` through `sql`; reports instead of throwing, and gives up after
 * {@link HEALTH_TIMEOUT_MS} (a long transaction holding PGlite's only connection, a hung server).
 */
export async function pingHealth(sql: SqlQueryable): Promise<SqlHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SqlHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ connected: false, detail: `no answer within ${HEALTH_TIMEOUT_MS} ms` }),
      HEALTH_TIMEOUT_MS,
    );
  });
  const ping = sql.query('select 1').then(
    (): SqlHealth => ({ connected: true, latencyMs: performance.now() - started }),
    (error: unknown): SqlHealth => ({ connected: false, detail: (error as Error).message }),
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A COMMIT that PostgreSQL turned into a ROLLBACK (SQLSTATE 25P02: in failed transaction). */
export function rolledBackAtCommit(): StoreError {
  return new StoreError(
    'STORE_QUERY_FAILED',
    'the transaction was rolled back at COMMIT: one of its statements failed and the error was caught',
    { details: { sqlState: '25P02' } },
  );
}

/**
 * The handle given to a transaction callback: it forwards to `inner` while `isOpen()`, and refuses
 * afterwards, so a statement issued after the callback settled cannot run outside the transaction.
 */
export function transactionHandle(inner: SqlQueryable, isOpen: () => boolean): SqlTx {
  const check = (): void => {
    if (!isOpen()) throw new StoreError('STORE_INVALID_ARGUMENT', 'the transaction has already finished');
  };
  return {
    query: async <T>(text: string, params?: readonly SqlValue[]) => (check(), inner.query<T>(text, params)),
    exec: async (script: string) => (check(), inner.exec(script)),
  };
}
