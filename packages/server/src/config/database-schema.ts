/** @module Config section `database`: PostgreSQL, or the embedded PGlite default. */
import { z } from 'zod';

/** Connections in the PostgreSQL pool (as the store's own default). */
export const DEFAULT_DATABASE_POOL_SIZE = 10;

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

export const DatabaseSchema = z.strictObject({
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
});
