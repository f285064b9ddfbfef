/**
 * @module Waiting for a promise at most so long. Clients whose own timeouts stop at the write
 * (node-redis: a command sent to a server that stopped answering waits until the socket dies)
 * need the caller to stop waiting instead.
 */

/**
 * `promise`, or a rejection with `Error('<what> timed out after <timeoutMs> ms')` once `timeoutMs`
 * has passed. The timer is cleared either way; a late rejection of the abandoned promise is
 * swallowed, so it never surfaces as unhandled. Callers wrap the error in their own coded one.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  promise.catch(() => {});
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
