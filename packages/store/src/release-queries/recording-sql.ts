/**
 * @module Recording the statements a release issues: a `Sql` wrapper that reports the text of each
 * statement run through `query` (parameters dropped, so no data leaves), on the handle and inside
 * transactions. `exec` scripts are not reported: they are migrations and test set-up, and a
 * script of several statements cannot be prepared on its own.
 */
import type { Sql, SqlQueryable } from '../port/sql.ts';

/** Called with the text of every statement, before it runs. */
export type StatementListener = (text: string) => void;

function recordingQueryable(target: SqlQueryable, onStatement: StatementListener): SqlQueryable {
  return {
    query: (text, params) => {
      onStatement(text);
      return target.query(text, params);
    },
    exec: (script) => target.exec(script),
  };
}

/**
 * Wraps `sql` so every `query` (on the handle and inside transactions) is reported to `onStatement`.
 * Delegates explicitly rather than through a prototype: the adapters keep their state in private
 * fields, which only the instance itself can read.
 * @example
 * const seen = new Set<string>();
 * const sql = recordingSql(await createPgliteSql({ memory: true }), (text) => seen.add(text));
 */
export function recordingSql(sql: Sql, onStatement: StatementListener): Sql {
  return {
    ...recordingQueryable(sql, onStatement),
    dialect: sql.dialect,
    transaction: (fn) => sql.transaction((tx) => fn(recordingQueryable(tx, onStatement))),
    health: () => sql.health(),
    close: () => sql.close(),
  };
}
