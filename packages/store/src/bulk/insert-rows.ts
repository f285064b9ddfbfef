/**
 * @module Bulk inserts that are fast on both engines: one `INSERT … SELECT FROM unnest($1::t[],
 * $2::t[], …)` per chunk, so a chunk costs one statement with one parameter per column, whatever
 * its size (measured on PGlite: ~85k rows/s, against ~64k for multi-row VALUES). Idempotent by
 * default: conflicting rows are skipped.
 */
import { StoreError } from '../errors.ts';
import type { SqlQueryable, SqlValue } from '../port/sql.ts';

/** Rows per statement. */
export const DEFAULT_INSERT_CHUNK_ROWS = 5_000;

/** What to do with a row whose key exists. */
export type OnConflict =
  | 'ignore'
  | 'error'
  /** Update `update` columns from the new row when `target` (the unique key's columns) conflicts. */
  | { target: readonly string[]; update: readonly string[] };

/** Options for {@link insertRows}. */
export interface InsertRowsOptions<Row extends Record<string, unknown>> {
  /** `name` or `schema.name`. */
  table: string;
  /** Every column written, with its SQL type (the array cast): `{ id: 'uuid', data: 'jsonb' }`. */
  columns: { readonly [K in keyof Row & string]?: string };
  rows: readonly Row[];
  /** @default 'ignore' (ON CONFLICT DO NOTHING) */
  onConflict?: OnConflict;
  /** @default 5_000 */
  chunkRows?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// Type names are spliced into the statement, so only plain type syntax passes: `numeric(20, 8)`.
const TYPE_NAME = /^[a-z_][a-z0-9_ ]*(\(\d+(, ?\d+)?\))?$/i;

function identifier(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new StoreError('STORE_INVALID_ARGUMENT', `"${name}" is not a plain lower-case SQL identifier`, {
      details: { name },
    });
  }
  return parts.map((p) => `"${p}"`).join('.');
}

function conflictClause(onConflict: OnConflict): string {
  if (onConflict === 'ignore') return ' on conflict do nothing';
  if (onConflict === 'error') return '';
  const target = onConflict.target.map(identifier).join(', ');
  const set = onConflict.update.map((c) => `${identifier(c)} = excluded.${identifier(c)}`).join(', ');
  return ` on conflict (${target}) do ${set ? `update set ${set}` : 'nothing'}`;
}

/**
 * Inserts `rows` in chunks; returns how many rows were written (skipped conflicts not counted).
 * json/jsonb values are sent as JSON text, so arrays are stored as JSON arrays, not SQL arrays.
 * @example
 * await insertRows(tx, { table: 'trades', columns: { id: 'uuid', price: 'numeric' }, rows });
 */
export async function insertRows<Row extends Record<string, unknown>>(
  sql: SqlQueryable,
  options: InsertRowsOptions<Row>,
): Promise<number> {
  const columns = Object.entries(options.columns).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  for (const [, type] of columns) {
    if (!TYPE_NAME.test(type)) {
      throw new StoreError('STORE_INVALID_ARGUMENT', `"${type}" is not a plain SQL type name`, {
        details: { type },
      });
    }
  }
  const names = columns.map(([name]) => identifier(name)).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const text = `insert into ${identifier(options.table)} (${names}) select * from unnest(${arrays})${conflictClause(options.onConflict ?? 'ignore')}`;
  const isJson = columns.map(([, type]) => /^jsonb?$/i.test(type));
  const chunkRows = options.chunkRows ?? DEFAULT_INSERT_CHUNK_ROWS;
  let written = 0;
  for (let start = 0; start < options.rows.length; start += chunkRows) {
    const chunk = options.rows.slice(start, start + chunkRows);
    const params: SqlValue[] = columns.map(([name], i) =>
      chunk.map((row) => {
        const value = (row[name] ?? null) as SqlValue;
        return isJson[i] && value !== null ? JSON.stringify(value) : value;
      }),
    );
    written += (await sql.query(text, params)).rowCount;
  }
  return written;
}
