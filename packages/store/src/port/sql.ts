/**
 * @module The `Sql` port: one small query interface over PGlite (embedded, in a worker thread)
 * and PostgreSQL (node-postgres pool). Statements are PostgreSQL with `$1…` parameters; values
 * convert the same way on both adapters (see `values/conversions.ts`):
 *
 * | PostgreSQL | JavaScript (results) | parameters accepted |
 * | --- | --- | --- |
 * | int2, int4, float4, float8, oid | number | number |
 * | int8 (bigint, count(*)) | number; a bigint only beyond ±(2^53−1), never rounded | number, bigint, string |
 * | numeric | string (exact) | string, number |
 * | bool | boolean | boolean |
 * | text, varchar, uuid | string | string |
 * | timestamptz | Date | Date, ISO string |
 * | timestamp, date, time, interval | string, as PostgreSQL prints it (no time zone guessing) | string |
 * | json, jsonb | the parsed value | a plain object, or any JSON as a string (`JSON.stringify` top-level arrays) |
 * | bytea | Uint8Array (never a Buffer) | Uint8Array / Buffer |
 * | arrays of the above (`$1::text[]`) | arrays, NULL elements as null | arrays (JS arrays always mean SQL arrays) |
 * | NULL | null | null or undefined |
 */

/** Which engine runs the statements. */
export const SqlDialect = { Pglite: 'pglite', Postgres: 'postgres' } as const;
export type SqlDialect = (typeof SqlDialect)[keyof typeof SqlDialect];

/** A statement's outcome. */
export interface SqlResult<T> {
  rows: T[];
  /** Rows written by INSERT/UPDATE/DELETE/MERGE (with or without RETURNING); rows returned otherwise. */
  rowCount: number;
}

/** A parameter value (see the table above). */
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | null
  | undefined
  | readonly SqlValue[]
  | { readonly [key: string]: unknown };

/** What both the handle and a transaction can do. */
export interface SqlQueryable {
  /** Runs one statement with `$1…` parameters. */
  query<T = Record<string, unknown>>(text: string, params?: readonly SqlValue[]): Promise<SqlResult<T>>;
  /** Runs a script of several statements without parameters or results (migrations). */
  exec(script: string): Promise<void>;
}

/** The connection inside {@link Sql.transaction}; valid only until the callback settles. */
export type SqlTx = SqlQueryable;

/** Whether the database answers. */
export interface SqlHealth {
  connected: boolean;
  /** Round trip of a trivial query, when connected. */
  latencyMs?: number;
  detail?: string;
}

/** The port. */
export interface Sql extends SqlQueryable {
  readonly dialect: SqlDialect;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws (the
   * error is rethrown). A transaction that hit an error it swallowed is rolled back and reported.
   */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Round-trips `select 1`; never throws. */
  health(): Promise<SqlHealth>;
  /** Waits for running work, then releases the connections (or the worker). Idempotent. */
  close(): Promise<void>;
}
