/** @module Where the accounts' table (`account_snapshots`, migration 0003) is created. */
import { fileURLToPath } from 'node:url';

/** The accounts' migrations (versions unique across all modules). */
export const ACCOUNTS_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
