import type { Sql } from '@tickline/store';
import { StoreError } from '@tickline/store';
import { describe, expect, it } from 'vitest';
import { isUniqueViolation, mapEmailTaken, type IdentitySql } from './identity-sql.ts';

// Compile-time: the store's Sql port fits the slice identity declares.
const fits = (sql: Sql): IdentitySql => sql;

describe('identity sql port', () => {
  it('sql port - the store Sql is assignable to IdentitySql', () => {
    expect(typeof fits).toBe('function');
  });

  it('sql port - unique violations are recognised from the store and from a raw driver', () => {
    expect(isUniqueViolation(new StoreError('STORE_UNIQUE_VIOLATION', 'dup'))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('dup'), { code: '23505' }))).toBe(true);
    expect(isUniqueViolation(new StoreError('STORE_QUERY_FAILED', 'x'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });

  it('sql port - a duplicate email becomes IDENTITY_EMAIL_TAKEN; other errors pass through', async () => {
    await expect(
      mapEmailTaken(Promise.reject(new StoreError('STORE_UNIQUE_VIOLATION', 'dup'))),
    ).rejects.toMatchObject({
      code: 'IDENTITY_EMAIL_TAKEN',
    });
    await expect(
      mapEmailTaken(Promise.reject(new StoreError('STORE_CLOSED', 'closed'))),
    ).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
  });
});
