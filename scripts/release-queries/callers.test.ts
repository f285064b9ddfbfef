import { describe, expect, it } from 'vitest';
import { isTestCaller } from './callers.ts';

const stack = (...files: string[]) =>
  ['Error', ...files.map((file, i) => `    at fn${i} (${file}:${10 + i}:5)`)].join('\n');

describe('release queries - callers', () => {
  it('release queries - the first frame outside the recorder decides: production is recorded', () => {
    const recorder = [
      '/repo/scripts/release-queries/record-setup.ts',
      '/repo/packages/store/src/release-queries/recording-sql.ts',
    ];
    expect(
      isTestCaller(
        stack(
          ...recorder,
          '/repo/packages/identity/src/repository/sql/sql-users.ts',
          '/repo/packages/identity/src/users.test.ts',
        ),
      ),
    ).toBe(false);
    expect(isTestCaller(stack(...recorder, '/repo/packages/identity/src/users.int.test.ts'))).toBe(true);
    expect(isTestCaller(stack(...recorder, '/repo/packages/strategy/src/testing/strategy-test-app.ts'))).toBe(
      true,
    );
    expect(
      isTestCaller(stack(...recorder, '/repo/packages/market/src/cache/read-cache-cases.test-support.ts')),
    ).toBe(true);
    expect(isTestCaller(stack(...recorder, '/repo/packages/store/src/contract/value-cases.ts'))).toBe(true);
    expect(isTestCaller('Error\n    at <anonymous>')).toBe(true);
  });
});
