import { describe, expect, it } from 'vitest';
import { resolveLogFormat } from './log-format.ts';

describe('logging - format', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['pretty', false, 'pretty'],
    ['json', true, 'json'],
  ] as const)('format - %s with a terminal=%s writes %s', (format, tty, expected) => {
    expect(resolveLogFormat(format, tty)).toBe(expected);
  });
});
