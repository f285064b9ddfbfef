/** @module Errors raised by the SQL store: stable codes, SQL states kept in the details. */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const StoreErrorCodes = defineErrorCodes({
  STORE_CONNECTION_FAILED: {
    meaning:
      'The database could not be reached or the connection was lost (server down, refused, authentication, embedded worker gone).',
    resolve:
      'Transient when the server is restarting: retry later. Otherwise check the database URL and server.',
    httpStatus: 503,
  },
  STORE_QUERY_FAILED: {
    meaning: 'The database rejected a statement; details.sqlState holds the PostgreSQL SQLSTATE.',
    resolve: 'A bug in the statement or the schema: look up details.sqlState and fix the caller.',
    httpStatus: 500,
  },
  STORE_UNIQUE_VIOLATION: {
    meaning:
      'A row with the same unique key already exists (SQLSTATE 23505); details.constraint names the key.',
    resolve: 'The caller tried to create something that exists: report a conflict or use ON CONFLICT.',
    httpStatus: 409,
  },
  STORE_CONSTRAINT_VIOLATION: {
    meaning:
      'A row broke a constraint other than uniqueness (not null, foreign key, check; SQLSTATE class 23).',
    resolve:
      'The input is invalid for the schema: validate it before writing; details.constraint names the rule.',
    httpStatus: 409,
  },
  STORE_SERIALIZATION_FAILURE: {
    meaning: 'The transaction lost a serialization conflict or a deadlock (SQLSTATE 40001 / 40P01).',
    resolve: 'Retry the whole transaction.',
    httpStatus: 503,
  },
  STORE_MIGRATION_CHANGED: {
    meaning: 'A migration file that was already applied has changed since (its checksum differs).',
    resolve:
      'Never edit an applied migration: restore the file and add a new numbered migration with the change.',
    httpStatus: 500,
  },
  STORE_MIGRATION_FAILED: {
    meaning:
      'A migration failed to apply; its transaction was rolled back and later migrations were not run.',
    resolve: 'Fix the migration (the cause is attached) and run `tickline migrate up` again.',
    httpStatus: 500,
  },
  STORE_LOCKED: {
    meaning: 'The embedded database directory is already open in another process (or another handle).',
    resolve:
      'Stop the other process first (a running server holds it; `tickline migrate` runs at its start-up). details.pid names the holder.',
    httpStatus: 500,
  },
  STORE_CLOSED: {
    meaning: 'The SQL store was used after close().',
    resolve: 'A shutdown is in progress; the caller should stop too.',
    httpStatus: 503,
  },
  STORE_INVALID_ARGUMENT: {
    meaning:
      'The store was called wrongly: a parameter that cannot be sent, a finished transaction reused, the outer handle used inside a transaction.',
    resolve: 'Fix the caller; the message says what was wrong.',
    httpStatus: 500,
  },
});

export type StoreErrorCode = keyof typeof StoreErrorCodes;

/** Any failure of the SQL store. */
export class StoreError extends TicklineError {
  override name = 'StoreError';
  constructor(code: StoreErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isStoreConnectionError = errorGuard('STORE_CONNECTION_FAILED');
export const isStoreQueryError = errorGuard('STORE_QUERY_FAILED');
export const isUniqueViolationError = errorGuard('STORE_UNIQUE_VIOLATION');
export const isConstraintViolationError = errorGuard('STORE_CONSTRAINT_VIOLATION');
export const isSerializationFailureError = errorGuard('STORE_SERIALIZATION_FAILURE');
export const isMigrationChangedError = errorGuard('STORE_MIGRATION_CHANGED');
export const isMigrationFailedError = errorGuard('STORE_MIGRATION_FAILED');
export const isStoreClosedError = errorGuard('STORE_CLOSED');
export const isStoreLockedError = errorGuard('STORE_LOCKED');
