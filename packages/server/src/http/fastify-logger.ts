/**
 * @module Adapts the kernel `Logger` to what Fastify expects of a logger, so request logs carry
 * the process logger's bindings and tests can pass `silentLogger`.
 */
import type { Logger } from '@tickline/kernel';
import type { FastifyBaseLogger } from 'fastify';

type Level = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Fastify makes one child per request (`request.log`), and a hijacked request — an SSE stream —
 * keeps it for the stream's whole life. So the methods live on the prototype (no closures per
 * child) and the kernel child is made on the first line logged: a stream that logs nothing holds
 * its bindings only, not a pino child (measured in docs/capacity.md, "Memory per connection").
 */
class FastifyLoggerAdapter {
  readonly level: string;
  #parent: Logger | undefined;
  #bindings: Record<string, unknown> | undefined;
  #logger: Logger | undefined;

  constructor(
    level: string,
    logger: Logger | undefined,
    parent?: Logger,
    bindings?: Record<string, unknown>,
  ) {
    this.level = level;
    this.#logger = logger;
    this.#parent = parent;
    this.#bindings = bindings;
  }

  get #target(): Logger {
    if (this.#logger === undefined) {
      this.#logger = this.#parent!.child(this.#bindings!);
      this.#parent = undefined;
      this.#bindings = undefined;
    }
    return this.#logger;
  }

  #write(name: Level, first: unknown, message?: string): void {
    const logger = this.#target;
    if (typeof first === 'string') logger[name](first);
    else if (first instanceof Error) logger[name]({ err: first }, message ?? first.message);
    else logger[name]((first ?? {}) as Record<string, unknown>, message);
  }

  trace(first: unknown, message?: string): void {
    this.#write('debug', first, message);
  }
  debug(first: unknown, message?: string): void {
    this.#write('debug', first, message);
  }
  info(first: unknown, message?: string): void {
    this.#write('info', first, message);
  }
  warn(first: unknown, message?: string): void {
    this.#write('warn', first, message);
  }
  error(first: unknown, message?: string): void {
    this.#write('error', first, message);
  }
  fatal(first: unknown, message?: string): void {
    this.#write('fatal', first, message);
  }
  silent(): void {}

  child(bindings: Record<string, unknown>): FastifyLoggerAdapter {
    // An unused child's child binds onto the parent that exists, without making the unused one.
    if (this.#logger === undefined)
      return new FastifyLoggerAdapter(this.level, undefined, this.#parent, {
        ...this.#bindings,
        ...bindings,
      });
    return new FastifyLoggerAdapter(this.level, undefined, this.#logger, bindings);
  }
}

/** A Fastify logger writing through `logger`. Fastify's `trace` goes to `debug`. */
export function toFastifyLogger(logger: Logger, level = 'info'): FastifyBaseLogger {
  return new FastifyLoggerAdapter(level, logger);
}
