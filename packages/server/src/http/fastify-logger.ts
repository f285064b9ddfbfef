/**
 * @module Adapts the kernel `Logger` to what Fastify expects of a logger, so request logs carry
 * the process logger's bindings and tests can pass `silentLogger`.
 */
import type { Logger } from '@tickline/kernel';
import type { FastifyBaseLogger } from 'fastify';

type Level = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** A Fastify logger writing through `logger`. Fastify's `trace` goes to `debug`. */
export function toFastifyLogger(logger: Logger, level = 'info'): FastifyBaseLogger {
  const write =
    (name: Level) =>
    (first: unknown, message?: string): void => {
      if (typeof first === 'string') logger[name](first);
      else if (first instanceof Error) logger[name]({ err: first }, message ?? first.message);
      else logger[name]((first ?? {}) as Record<string, unknown>, message);
    };
  const adapted = {
    level,
    trace: write('debug'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    fatal: write('fatal'),
    silent: () => {},
    child: (bindings: Record<string, unknown>) => toFastifyLogger(logger.child(bindings), level),
  };
  return adapted;
}
