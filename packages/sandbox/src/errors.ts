/** @module The sandbox package's error catalogue: what a supervised process's end means to its caller. */
import { defineErrorCodes, describeErrorCode, isTicklineError, type TicklineError } from '@tickline/kernel';

export const SandboxErrorCodes = defineErrorCodes({
  SANDBOX_CPU_LIMIT: {
    meaning: 'The sandbox process running the code used more CPU time than the call allows; it was killed.',
    resolve: 'Make the code do less work per call, or ask for a tier with a larger CPU budget.',
    httpStatus: 422,
  },
  SANDBOX_MEMORY_LIMIT: {
    meaning:
      'The sandbox process running the code held more memory (resident, as the OS counts it) than the call allows; it was killed.',
    resolve: 'Keep less in memory (objects, buffers, Intl formatters); the limit is in details.',
    httpStatus: 422,
  },
  SANDBOX_TIMEOUT: {
    meaning:
      'The call did not finish within its wall-clock deadline (code that never returns, or a host conversion that never ends); the process was killed.',
    resolve: 'Remove endless loops and values whose getters never return; the deadline is in details.',
    httpStatus: 422,
  },
  SANDBOX_CRASHED: {
    meaning: 'The sandbox process running the code exited before it answered.',
    resolve: 'Retry once; if it happens again, the code is taking the process down — simplify it.',
    httpStatus: 422,
  },
  SANDBOX_FAULT: {
    meaning:
      'The sandbox process failed for a reason of its own (not the code it ran): a fault of the platform. The caller sees a fixed text; the fault is logged in full.',
    resolve: 'Retry; operators: the server log line "sandbox fault" has the fault and the process.',
    httpStatus: 500,
  },
  SANDBOX_SUSPENDED: {
    meaning:
      'Code of this account got sandbox processes killed several times in a short window; its runs are refused for a while.',
    resolve:
      'Wait for the time in `Retry-After` (details.retryAfterSeconds), then fix the code before running it again.',
    httpStatus: 429,
  },
  SANDBOX_CANCELLED: {
    meaning: 'The call was cancelled before it finished.',
    resolve: 'Nothing to do; run it again if you still want the result.',
    httpStatus: 409,
  },
  SANDBOX_PROCESS_LOST: {
    meaning:
      'The resident sandbox process holding this state (a live run) was replaced after another call in it was stopped, or the run\'s step was cut by its wall backstop while the machine starved its process (its CPU under budget; details.backstop "starved"); the state is reopened.',
    resolve: 'Nothing to do: live runs resume in the new process from their last decided candle.',
    httpStatus: 503,
  },
  SANDBOX_UNAVAILABLE: {
    meaning: 'The sandbox pool is stopped or its processes cannot start.',
    resolve: 'Retry later; operators: the server log names the cause.',
    httpStatus: 503,
  },
});

export type SandboxErrorCode = keyof typeof SandboxErrorCodes;

/**
 * True for an error with a code some loaded package declared: one the platform means its callers
 * to read. Anything else that carries a code (Node's ENOENT or ERR_INVALID_ARG_TYPE, a driver's
 * SQLSTATE) is a fault whose message may hold internals: it is logged, and its reader is told a
 * fixed text.
 */
export function isDeclaredError(error: unknown): error is TicklineError {
  return isTicklineError(error) && describeErrorCode(error.code) !== undefined;
}
