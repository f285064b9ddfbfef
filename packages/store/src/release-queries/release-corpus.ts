/**
 * @module The corpus of a release's queries: the distinct statements it sends to the database,
 * recorded when the release is cut. During a blue/green flip the old colour keeps running these
 * against a schema the new colour has already migrated; {@link checkCorpus} proves, without data,
 * that each still parses and plans there.
 */
import type { Sql } from '../port/sql.ts';

/** What a release's recording holds (one JSON file per release). */
export interface ReleaseCorpus {
  /** The release's version (`package.json`). */
  version: string;
  /** Id of the newest migration the release shipped; newer ones must stay backward compatible. */
  lastMigration: string;
  /** Distinct statements, normalized by {@link normalizeStatement}, sorted. */
  statements: string[];
}

/** A statement of the corpus that the migrated schema refuses. */
export interface CorpusFailure {
  statement: string;
  /** PostgreSQL's message, e.g. `column "name" does not exist`. */
  message: string;
  sqlState?: string;
}

/**
 * Only these can be prepared (PostgreSQL's PREPARE takes SELECT, INSERT, UPDATE, DELETE, MERGE and
 * VALUES, with or without WITH); the rest (DDL, locks, transaction control) is left out of the corpus.
 */
const PREPARABLE = /^(select|insert|update|delete|merge|values|with)\b/i;

/** One line, single spaces: the same statement written twice is recorded once. */
export function normalizeStatement(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/;$/, '').trim();
}

/** Whether `text` is a single statement PREPARE accepts. */
export function isPreparable(text: string): boolean {
  const statement = normalizeStatement(text);
  return PREPARABLE.test(statement) && !statement.includes(';');
}

/**
 * PREPAREs every statement on `sql` (parse, analysis and planning; nothing runs, so no data is
 * needed) and returns those that fail. Each gets its own transaction: it pins one pooled
 * connection for PREPARE and DEALLOCATE, and a failure aborts only that one.
 */
export async function checkCorpus(sql: Sql, statements: readonly string[]): Promise<CorpusFailure[]> {
  const failures: CorpusFailure[] = [];
  for (const statement of statements) {
    try {
      await sql.transaction(async (tx) => {
        await tx.query(`prepare release_query as ${statement}`);
        await tx.query('deallocate release_query');
      });
    } catch (cause) {
      const { message, details } = cause as Error & { details?: { sqlState?: string } };
      failures.push({
        statement,
        message,
        ...(details?.sqlState === undefined ? {} : { sqlState: details.sqlState }),
      });
    }
  }
  return failures;
}
