/**
 * @module Running a cockatiel retry policy that a stop can cut short. Cockatiel's backoff delay
 * cannot be interrupted, so a stopping consumer would otherwise wait out the longest delay; here
 * a stop lets the call already running finish (and keeps its result) but skips the remaining
 * delays and attempts.
 */
import type { RetryPolicy } from 'cockatiel';

/** The consumer is stopping: the batch stays unacknowledged and will be redelivered. */
export class ConsumerStoppedError extends Error {
  override name = 'ConsumerStoppedError';
  constructor() {
    super('consumer runner stopped');
  }
}

const STOPPED = Symbol('stopped');

/**
 * Runs `call` under `policy` until it succeeds, the policy gives up (rejects with the last error),
 * or `signal` aborts (rejects with {@link ConsumerStoppedError} unless the call in progress then
 * succeeds). `call` receives the attempt number, 0 for the first.
 */
export async function retryUntilStopped<T>(
  policy: RetryPolicy,
  call: (attempt: number) => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  if (signal.aborted) throw new ConsumerStoppedError();
  let running: Promise<unknown> = Promise.resolve();
  let succeeded: { value: T } | undefined;
  const execution = policy.execute(async ({ attempt }) => {
    if (signal.aborted) throw new ConsumerStoppedError();
    const attemptCall = call(attempt);
    running = attemptCall.catch(() => {});
    const value = await attemptCall;
    succeeded = { value };
    return value;
  }, signal);
  let onAbort = (): void => {};
  const stopped = new Promise<typeof STOPPED>((resolve) => {
    onAbort = () => resolve(STOPPED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const first = await Promise.race([execution, stopped]);
    if (first !== STOPPED) return first;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  execution.catch(() => {}); // its outcome is read through `succeeded`
  await running;
  if (succeeded) return succeeded.value;
  throw new ConsumerStoppedError();
}
