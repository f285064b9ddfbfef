/**
 * @module The fields of a PostgreSQL error report, read from node-postgres and PGlite errors alike.
 * Imports nothing, so the PGlite worker can use it without loading the rest of the package.
 */

/** The fields of a PostgreSQL error report that survive a trip through a worker message. */
export interface DatabaseErrorFields {
  message: string;
  sqlState?: string;
  severity?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  position?: string;
}

/** Extracts the report from a driver error; `sqlState` only when it really is a server report. */
export function databaseErrorFields(error: unknown): DatabaseErrorFields {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof e[key] === 'string' ? e[key] : undefined);
  const fields: DatabaseErrorFields = { message: text('message') ?? String(error) };
  // Node's socket errors have codes too ('EPIPE'); only server reports carry a severity.
  const sqlState = text('sqlState') ?? (text('severity') === undefined ? undefined : text('code'));
  if (sqlState !== undefined) fields.sqlState = sqlState;
  for (const key of [
    'severity',
    'detail',
    'hint',
    'constraint',
    'table',
    'column',
    'schema',
    'position',
  ] as const) {
    const value = text(key);
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}
