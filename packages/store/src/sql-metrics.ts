/** @module The SQL store's Prometheus series (labelled by dialect) and the statement wrapper that feeds them. */
import { countSqlStatement, Counter, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';
import type { SqlDialect } from './port/sql.ts';
import { toStoreError } from './to-store-error.ts';

/** The series one handle writes. */
export interface SqlMetrics {
  /** Times `run`, maps its failure to a StoreError, counts the error's code. */
  statement<T>(text: string, run: () => Promise<T>): Promise<T>;
  transaction(outcome: 'commit' | 'rollback'): void;
}

/** Registers (or reuses) the series for `dialect`. */
export function createSqlMetrics(registry: Registry, dialect: SqlDialect): SqlMetrics {
  const duration = getOrCreateMetric(
    registry,
    'tickline_sql_statement_duration_seconds',
    () =>
      new Histogram({
        name: 'tickline_sql_statement_duration_seconds',
        help: 'Time from sending a statement to its result (queueing for the embedded worker included).',
        labelNames: ['dialect'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
        registers: [registry],
      }),
  ).labels({ dialect });
  const errors = getOrCreateMetric(
    registry,
    'tickline_sql_errors_total',
    () =>
      new Counter({
        name: 'tickline_sql_errors_total',
        help: 'Statements that failed, by store error code.',
        labelNames: ['dialect', 'code'],
        registers: [registry],
      }),
  );
  const transactions = getOrCreateMetric(
    registry,
    'tickline_sql_transactions_total',
    () =>
      new Counter({
        name: 'tickline_sql_transactions_total',
        help: 'Transactions finished, by outcome.',
        labelNames: ['dialect', 'outcome'],
        registers: [registry],
      }),
  );
  return {
    async statement(text, run) {
      // The request that sent it is told (the gateway logs statements per request).
      countSqlStatement();
      const stop = duration.startTimer();
      try {
        return await run();
      } catch (error) {
        const storeError = toStoreError(error, text);
        errors.inc({ dialect, code: storeError.code });
        throw storeError;
      } finally {
        stop();
      }
    },
    transaction(outcome) {
      transactions.inc({ dialect, outcome });
    },
  };
}
