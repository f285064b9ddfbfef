import { describe, expect, it } from 'vitest';
import type { Logger } from '@tickline/kernel';
import { toFastifyLogger } from './fastify-logger.ts';

interface Line {
  level: string;
  bindings: Record<string, unknown>;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A kernel logger that records its lines and how many children were made. */
function recordingLogger(lines: Line[], made: { children: number }, bindings = {}): Logger {
  const log =
    (level: string) =>
    (first: string | Record<string, unknown>, message?: string): void => {
      if (typeof first === 'string') lines.push({ level, bindings, fields: {}, message: first });
      else lines.push({ level, bindings, fields: first, message });
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    child(more) {
      made.children++;
      return recordingLogger(lines, made, { ...bindings, ...more });
    },
  };
}

describe('fastify logger', () => {
  it('fastify logger - writes through the kernel logger with its bindings; trace goes to debug', () => {
    const lines: Line[] = [];
    const logger = toFastifyLogger(recordingLogger(lines, { children: 0 }, { name: 'tickline' }));
    logger.info({ a: 1 }, 'hello');
    logger.trace('quiet');
    logger.error(new Error('boom'));
    expect(lines).toEqual([
      { level: 'info', bindings: { name: 'tickline' }, fields: { a: 1 }, message: 'hello' },
      { level: 'debug', bindings: { name: 'tickline' }, fields: {}, message: 'quiet' },
      expect.objectContaining({ level: 'error', message: 'boom' }),
    ]);
    expect(lines[2]!.fields.err).toBeInstanceOf(Error);
  });

  it('fastify logger - makes a request child only when it first logs, with every binding', () => {
    const lines: Line[] = [];
    const made = { children: 0 };
    const root = toFastifyLogger(recordingLogger(lines, made));
    const request = root.child({ requestId: 'r1' });
    const nested = request.child({ route: '/api/v1/stream' });
    expect(made.children).toBe(0);
    nested.warn({ n: 2 }, 'slow');
    expect(made.children).toBe(1);
    request.info('done');
    expect(made.children).toBe(2);
    expect(lines).toEqual([
      {
        level: 'warn',
        bindings: { requestId: 'r1', route: '/api/v1/stream' },
        fields: { n: 2 },
        message: 'slow',
      },
      { level: 'info', bindings: { requestId: 'r1' }, fields: {}, message: 'done' },
    ]);
    // A child of a child that already logged binds onto the existing one.
    request.child({ step: 'x' }).debug('more');
    expect(lines.at(-1)!.bindings).toEqual({ requestId: 'r1', step: 'x' });
  });
});
