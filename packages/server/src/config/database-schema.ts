/** @module Config section `database`: PostgreSQL, or the embedded PGlite default. */
import { z } from 'zod';

/** Connections in the PostgreSQL pool (as the store's own default). */
export const DEFAULT_DATABASE_POOL_SIZE = 10;
/** A user's reads stay on the primary this long after their write (the store's own default). */
export const DEFAULT_READ_FRESH_WINDOW_MS = 5_000;
/** Reads leave a replica lagging more than this (the store's own default). */
export const DEFAULT_READ_MAX_LAG_MS = 5_000;

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

const DatabaseFields = z.strictObject({
  url: z
    .string()
    .regex(POSTGRES_URL, 'expected a postgres:// or postgresql:// URL')
    .optional()
    .describe(
      'PostgreSQL URL (postgres://user:password@host:5432/db), a secret: its credentials are redacted when printed. Unset: the embedded PGlite database under <dataDir>/db (one process).',
    ),
  poolSize: z
    .int()
    .positive()
    .default(DEFAULT_DATABASE_POOL_SIZE)
    .describe('PostgreSQL connections per process.'),
  migrateOnStart: z
    .boolean()
    .default(false)
    .describe(
      'PostgreSQL only: apply pending migrations at start (several processes may race; each migration is applied once). Off: start refuses a database with pending migrations; run `tickline migrate up`. The embedded database always migrates itself.',
    ),
  readUrl: z
    .string()
    .regex(POSTGRES_URL, 'expected a postgres:// or postgresql:// URL')
    .optional()
    .describe(
      'A PostgreSQL streaming replica of database.url for read-only queries (market history, inbox lists), a secret like url. Unset: every query goes to database.url. A replica down or lagging sends reads back to the primary (see docs/operations.md).',
    ),
  readFreshWindowMs: z
    .int()
    .positive()
    .default(DEFAULT_READ_FRESH_WINDOW_MS)
    .describe(
      "With readUrl: how long after a user's own write their reads stay on the primary (read-your-writes). Not below readMaxLagMs.",
    ),
  readMaxLagMs: z
    .int()
    .positive()
    .default(DEFAULT_READ_MAX_LAG_MS)
    .describe(
      'With readUrl: replication lag (measured every 2 s) beyond which every read goes to the primary.',
    ),
});

export const DatabaseSchema = DatabaseFields.refine(
  (database) => database.readUrl === undefined || database.url !== undefined,
  {
    // The embedded database has no replication, so there is nothing a replica could follow.
    message: 'database.readUrl needs database.url (the embedded database has no replicas)',
    path: ['readUrl'],
  },
).refine((database) => database.readMaxLagMs <= database.readFreshWindowMs, {
  // Past the window a user's reads may go to the replica again: it must have their write by then.
  message:
    'database.readMaxLagMs must not exceed database.readFreshWindowMs, or a user may miss their own write',
  path: ['readMaxLagMs'],
});
