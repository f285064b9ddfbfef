/**
 * @module Partition maintenance for time-partitioned tables (market trades and candles, platform
 * movements): create
 * the partitions around now ahead of time, and drop the ones past the retention. Each change runs
 * in its own transaction under an advisory lock per table, so concurrent maintainers (several
 * collectors on one PostgreSQL) neither fail nor do the work twice. Rows that landed in the
 * default partition (no partition covered their time) are moved into a partition created for
 * their range, because PostgreSQL refuses a new partition whose range the default already holds.
 */
import type { Sql, SqlQueryable } from '../port/sql.ts';
import type { PartitionPeriod, PartitionRange } from './partition-periods.ts';

/** A range-partitioned table: its name, partition key column and partition length. */
export interface PartitionedTable {
  readonly table: string;
  readonly column: string;
  readonly period: PartitionPeriod;
}

/** One partition as the catalog (`pg_inherits`, `pg_class`) describes it. */
export interface PartitionInfo {
  name: string;
  /** The default partition has no range. */
  isDefault: boolean;
  fromMs: number | null;
  toMs: number | null;
}

/** What {@link dropPartitionsBefore} did. */
export interface PartitionDropResult {
  dropped: string[];
  /** Expired rows deleted from the default partition. */
  defaultRowsDeleted: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function quoted(name: string): string {
  // Names come from code, never from input; checked anyway because they are spliced into DDL.
  if (!IDENTIFIER.test(name)) throw new RangeError(`"${name}" is not a plain SQL identifier`);
  return `"${name}"`;
}

function literal(ms: number): string {
  return `'${new Date(ms).toISOString()}'`;
}

async function lockTable(tx: SqlQueryable, table: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('tickline.partitions.' || $1))", [table]);
}

const LIST = `select c.relname as name,
  c.relpartbound is not null and pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' as is_default,
  (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz as from_time,
  (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz as to_time
from pg_inherits i join pg_class c on c.oid = i.inhrelid
where i.inhparent = to_regclass($1)
order by from_time nulls first, c.relname`;

/** The partitions of `table`, default first, then by range. */
export async function listPartitions(sql: SqlQueryable, table: string): Promise<PartitionInfo[]> {
  const { rows } = await sql.query<{
    name: string;
    is_default: boolean;
    from_time: Date | null;
    to_time: Date | null;
  }>(LIST, [table]);
  return rows.map((r) => ({
    name: r.name,
    isDefault: r.is_default,
    fromMs: r.from_time?.getTime() ?? null,
    toMs: r.to_time?.getTime() ?? null,
  }));
}

/**
 * Creates each missing partition of `ranges`; returns the names it created. Idempotent: an
 * existing partition is left alone, whoever made it.
 */
export async function ensurePartitions(
  sql: Sql,
  target: PartitionedTable,
  ranges: readonly PartitionRange[],
): Promise<string[]> {
  const existing = new Set((await listPartitions(sql, target.table)).map((p) => p.name));
  const created: string[] = [];
  for (const range of ranges) {
    if (existing.has(range.name)) continue;
    if (await sql.transaction((tx) => createPartition(tx, target, range))) created.push(range.name);
  }
  return created;
}

async function createPartition(
  tx: SqlQueryable,
  target: PartitionedTable,
  range: PartitionRange,
): Promise<boolean> {
  await lockTable(tx, target.table);
  const { rows } = await tx.query<{ name: string | null }>('select to_regclass($1)::text as name', [
    range.name,
  ]);
  if (rows[0]?.name) return false; // made by a concurrent maintainer while we waited for the lock
  const parent = quoted(target.table);
  const child = quoted(range.name);
  const column = quoted(target.column);
  const bounds = `for values from (${literal(range.fromMs)}) to (${literal(range.toMs)})`;
  const inRange = `${column} >= ${literal(range.fromMs)} and ${column} < ${literal(range.toMs)}`;
  const fallback = quoted(`${target.table}_default`);
  const stray = await tx.query(`select 1 from ${fallback} where ${inRange} limit 1`);
  if (stray.rows.length === 0) {
    await tx.exec(`create table if not exists ${child} partition of ${parent} ${bounds}`);
    return true;
  }
  // The default holds rows of this range: move them into a standalone table, then attach it.
  await tx.exec(
    `create table ${child} (like ${parent} including defaults including constraints);
     with moved as (delete from ${fallback} where ${inRange} returning *)
       insert into ${child} select * from moved;
     alter table ${parent} attach partition ${child} ${bounds};`,
  );
  return true;
}

/**
 * Drops the partitions of `target` that end at or before `cutoffMs`, and deletes rows older than
 * `cutoffMs` from its default partition.
 */
export async function dropPartitionsBefore(
  sql: Sql,
  target: PartitionedTable,
  cutoffMs: number,
): Promise<PartitionDropResult> {
  const expired = (await listPartitions(sql, target.table)).filter(
    (p) => !p.isDefault && p.toMs !== null && p.toMs <= cutoffMs,
  );
  const dropped: string[] = [];
  for (const partition of expired) {
    await sql.transaction(async (tx) => {
      await lockTable(tx, target.table);
      await tx.exec(`drop table if exists ${quoted(partition.name)}`);
    });
    dropped.push(partition.name);
  }
  const deleted = await sql.query(
    `delete from ${quoted(`${target.table}_default`)} where ${quoted(target.column)} < $1`,
    [new Date(cutoffMs)],
  );
  return { dropped, defaultRowsDeleted: deleted.rowCount };
}
