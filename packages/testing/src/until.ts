/**
 * @module The one polling helper of the test suites: wait until a condition holds, checking every
 * few milliseconds, and fail with what was awaited past a generous deadline — tests assert on
 * outcomes, and a busy CI machine must not turn a slow outcome into a failure.
 */

/** Options for {@link until}. */
export interface UntilOptions {
  /** @default 15_000 */
  timeoutMs?: number;
  /** What is awaited, for the error message. @default 'condition' */
  what?: string;
  /** @default 5 */
  intervalMs?: number;
}

export const DEFAULT_UNTIL_TIMEOUT_MS = 15_000;

/**
 * Resolves once `check` returns true; rejects after `timeoutMs`.
 * @example
 * await until(() => received.length === 2, 'both events');
 * await until(async () => (await count()) === 0, { timeoutMs: 30_000, what: 'the outbox drained' });
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  options: UntilOptions | string = {},
): Promise<void> {
  const {
    timeoutMs = DEFAULT_UNTIL_TIMEOUT_MS,
    what = 'condition',
    intervalMs = 5,
  } = typeof options === 'string' ? { what: options } : options;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
