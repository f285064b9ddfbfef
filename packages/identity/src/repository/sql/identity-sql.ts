/**
 * @module The slice of `@tickline/store`'s `Sql` port that identity uses (statements and
 * transactions), declared here so the repository depends on a shape, not on an adapter.
 * A compile-only test proves the store's `Sql` fits it.
 */
import { isTicklineError } from '@tickline/kernel';
import { IdentityError } from '../../errors.ts';

/** A parameter value identity sends. */
export type IdentitySqlValue = string | number | boolean | Date | null | readonly string[];

export interface IdentitySqlQueryable {
  query<T = Record<string, unknown>>(
    text: string,
    params?: readonly IdentitySqlValue[],
  ): Promise<{ rows: T[]; rowCount: number }>;
}

export interface IdentitySql extends IdentitySqlQueryable {
  transaction<T>(fn: (tx: IdentitySqlQueryable) => Promise<T>): Promise<T>;
}

/** True for a unique-key violation, as the store reports it (or as a raw driver error). */
export function isUniqueViolation(error: unknown): boolean {
  if (isTicklineError(error, 'STORE_UNIQUE_VIOLATION')) return true;
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** Runs an insert of a user; a duplicate email becomes IDENTITY_EMAIL_TAKEN. */
export async function mapEmailTaken<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new IdentityError('IDENTITY_EMAIL_TAKEN', 'email already registered', { cause: error });
    }
    throw error;
  }
}
