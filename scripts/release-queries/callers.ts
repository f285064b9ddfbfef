/** @module Who sent a statement, read from a stack trace: production code, or a test. */

/** Frames of the recorder itself, skipped to reach the caller. */
const RECORDER = /release-queries\/|node:internal|node_modules/;
/**
 * Test code: test files, their support files, harnesses (`testing/` folders) and the contract
 * suites ports ship for their tests.
 */
const TEST_CODE = /\.test\.ts|\.test-support\.ts|\/testing\/|\/test\/|\/src\/contract\//;

/** Whether the first frame outside the recorder is test code (or unknown: nothing to record). */
export function isTestCaller(stack: string): boolean {
  const files = stack
    .split('\n')
    .slice(1)
    .map((line) => /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line)?.[1])
    .filter((file): file is string => file !== undefined);
  const caller = files.find((file) => !RECORDER.test(file));
  return caller === undefined || TEST_CODE.test(caller);
}
