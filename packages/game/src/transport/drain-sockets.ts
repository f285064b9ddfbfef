/** @module Waiting for closing sockets to finish (so their Close frames flush) before forcing them. */

/** Resolves once `open` is empty or `timeoutMs` passed, whichever is first. */
export async function waitUntilEmpty(open: ReadonlySet<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
