/** @module Correlation context: the id of the request (or message) that caused the current work. */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What flows from a request into every event it causes. */
export interface CorrelationContext {
  /** The id shared by everything one request caused (the `X-Request-Id`). */
  correlationId: string;
  /** The id of the event or request that directly caused the current work. */
  causationId?: string;
  /**
   * What the request's work cost so far, where the request is measured (the HTTP gateway logs
   * it with the request): shared by everything the request awaits.
   */
  work?: RequestWork;
}

/** Counters of one request's work. */
export interface RequestWork {
  /** SQL statements sent (the store counts each). */
  sqlStatements: number;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** Runs `fn` with `context` visible to {@link currentCorrelation} in everything it awaits. */
export function withCorrelation<T>(context: CorrelationContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** Enters `context` for the rest of the current synchronous execution and its continuations. */
export function enterCorrelation(context: CorrelationContext): void {
  storage.enterWith(context);
}

/** The correlation context of the current async execution, if any. */
export function currentCorrelation(): CorrelationContext | undefined {
  return storage.getStore();
}

/** Counts one SQL statement against the current request's work, if it is measured. */
export function countSqlStatement(): void {
  const work = storage.getStore()?.work;
  if (work !== undefined) work.sqlStatements++;
}
