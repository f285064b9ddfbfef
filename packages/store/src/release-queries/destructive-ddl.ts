/**
 * @module The static guard on new migrations: during a blue/green flip the previous release runs
 * against the new schema, so a migration may only expand it. Dropping, renaming or retyping what
 * the previous release reads, or requiring a value it does not write, waits for a later release
 * and is marked as such (`-- contract: …`, see docs/deployment.md).
 */
import type { Migration } from '../migrations/load-migrations.ts';

/** One destructive change a migration makes without the contract marker. */
export interface DestructiveChange {
  migration: string;
  /** What kind of change, e.g. `drop column`. */
  kind: string;
  /** The statement's text (comments stripped, one line). */
  statement: string;
}

/**
 * The marker a migration carries when it contracts the schema on purpose: the line says which
 * release stopped using what it removes (it must be the release before the one shipping this).
 */
export const CONTRACT_MARKER = /^--[ \t]*contract:[ \t]*\S/m;

/** Each pattern reads one statement without comments, on one line, lower case. */
const DESTRUCTIVE: readonly { kind: string; test: (statement: string) => boolean }[] = [
  { kind: 'drop table', test: (s) => /\bdrop (table|view|materialized view)\b/.test(s) },
  {
    kind: 'drop column',
    test: (s) =>
      /\bdrop column\b/.test(s) ||
      /\balter table\b.*\bdrop (?!constraint|default|not null|index|identity|expression)\w+/.test(s),
  },
  { kind: 'rename', test: (s) => /\brename\b/.test(s) },
  { kind: 'alter column type', test: (s) => /\balter column \S+ (set data )?type\b/.test(s) },
  // The previous release inserts rows without the column: it needs a default, not a refusal.
  { kind: 'set not null', test: (s) => /\bset not null\b/.test(s) && !/\bset default\b/.test(s) },
  {
    kind: 'add not null column without default',
    test: (s) =>
      /\badd (column )?[^,]*\bnot null\b/.test(s) && !/\bdefault\b/.test(s) && !/\bgenerated\b/.test(s),
  },
];

function statementsOf(sql: string): string[] {
  const code = sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
  return code
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim().toLowerCase())
    .filter((s) => s.length > 0);
}

/**
 * The destructive changes of `migrations` that are not marked as a contract. Pass only the
 * migrations newer than the previous release's last one: released files are frozen.
 * @example
 * expect(findDestructiveChanges(newMigrations)).toEqual([]);
 */
export function findDestructiveChanges(migrations: readonly Migration[]): DestructiveChange[] {
  return migrations
    .filter((migration) => !CONTRACT_MARKER.test(migration.sql))
    .flatMap((migration) =>
      statementsOf(migration.sql).flatMap((statement) =>
        DESTRUCTIVE.filter((rule) => rule.test(statement)).map((rule) => ({
          migration: migration.id,
          kind: rule.kind,
          statement,
        })),
      ),
    );
}
