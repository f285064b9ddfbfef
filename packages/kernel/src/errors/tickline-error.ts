/** @module Base error type: every failure Tickline reports carries a stable, package-prefixed code. */

/** Options accepted by every Tickline error. */
export interface TicklineErrorOptions extends ErrorOptions {
  /** Machine-readable context: field names, limits, ids. Never secrets. */
  details?: Record<string, unknown>;
}

/**
 * The root of Tickline's errors. Callers branch on `code`, never on the message or the class
 * identity alone (classes can be duplicated across module copies; codes cannot).
 */
export class TicklineError extends Error {
  override name = 'TicklineError';
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: TicklineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `error` is a Tickline error, optionally with the given code. Matches by shape, not class. */
export function isTicklineError(error: unknown, code?: string): error is TicklineError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { code?: unknown; message?: unknown };
  if (typeof candidate.code !== 'string' || typeof candidate.message !== 'string') return false;
  return code === undefined || candidate.code === code;
}

/** Builds a type guard that matches an error by code. */
export function errorGuard(code: string): (error: unknown) => error is TicklineError {
  return (error: unknown): error is TicklineError => isTicklineError(error, code);
}
