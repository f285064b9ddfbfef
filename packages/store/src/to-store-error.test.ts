import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { toStoreError } from './to-store-error.ts';

const serverReport = (code: string) =>
  Object.assign(new Error(`server says ${code}`), { code, severity: 'ERROR', detail: 'Key (email)=(x@y.z)' });

describe('toStoreError', () => {
  it('toStoreError - SQLSTATEs map to stable codes; the detail line stays on the cause', () => {
    const table: Array<[string, string]> = [
      ['23505', 'STORE_UNIQUE_VIOLATION'],
      ['23503', 'STORE_CONSTRAINT_VIOLATION'],
      ['40001', 'STORE_SERIALIZATION_FAILURE'],
      ['40P01', 'STORE_SERIALIZATION_FAILURE'],
      ['08006', 'STORE_CONNECTION_FAILED'],
      ['57P01', 'STORE_CONNECTION_FAILED'],
      ['28P01', 'STORE_CONNECTION_FAILED'],
      ['3D000', 'STORE_CONNECTION_FAILED'],
      ['53300', 'STORE_CONNECTION_FAILED'],
      ['42P01', 'STORE_QUERY_FAILED'],
    ];
    for (const [sqlState, code] of table) {
      const error = toStoreError(serverReport(sqlState), 'select 1');
      expect(error, sqlState).toMatchObject({ code, details: { sqlState, statement: 'select 1' } });
      expect(JSON.stringify(error.toJSON())).not.toContain('x@y.z');
    }
  });

  it('toStoreError - socket errors are connection failures, even as an AggregateError without a message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const aggregate = Object.assign(new AggregateError([refused], ''), { code: 'ECONNREFUSED' });
    expect(toStoreError(refused)).toMatchObject({ code: 'STORE_CONNECTION_FAILED' });
    expect(toStoreError(aggregate)).toMatchObject({
      code: 'STORE_CONNECTION_FAILED',
      message: 'connect ECONNREFUSED ::1:5432',
    });
    // A socket error code is not a SQLSTATE, though 'EPIPE' has five letters.
    expect(toStoreError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })).details).toEqual({});
    expect(toStoreError(new Error('Connection terminated unexpectedly')).code).toBe(
      'STORE_CONNECTION_FAILED',
    );
  });

  it('toStoreError - store errors pass through; anything else is a query failure', () => {
    const original = new StoreError('STORE_CLOSED', 'closed');
    expect(toStoreError(original)).toBe(original);
    expect(toStoreError(new TypeError('bad value'))).toMatchObject({
      code: 'STORE_QUERY_FAILED',
      message: 'bad value',
    });
  });
});
