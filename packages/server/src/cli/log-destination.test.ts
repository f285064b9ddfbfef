import { PassThrough } from 'node:stream';
import { createLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { logDestination } from './log-destination.ts';

/** A stdout stand-in that records what is written, with or without a terminal. */
function fakeStdout(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  Object.assign(stream, { isTTY });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

async function logOneLine(format: 'auto' | 'pretty' | 'json', isTTY: boolean): Promise<string> {
  const stdout = fakeStdout(isTTY);
  const logger = createLogger({ name: 'tickline', destination: logDestination(format, stdout.stream) });
  logger.info({ url: 'http://localhost:8080' }, 'tickline is up');
  await new Promise((resolve) => setImmediate(resolve));
  return stdout.text();
}

describe('cli - log output', () => {
  it('log - on a terminal, auto writes one short coloured line, not JSON', async () => {
    const text = await logOneLine('auto', true);
    expect(text).toContain('tickline is up');
    expect(text).toContain('\u001b['); // ANSI colour
    expect(text).not.toMatch(/^\{/);
    expect(text).not.toContain('hostname');
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  it('log - to a pipe or file, auto writes JSON lines', async () => {
    const text = await logOneLine('auto', false);
    expect(JSON.parse(text)).toMatchObject({ level: 'info', msg: 'tickline is up', url: 'http://localhost:8080' });
  });

  it('log - config overrides the terminal check both ways', async () => {
    const json = await logOneLine('json', true);
    expect(() => JSON.parse(json)).not.toThrow();
    const pretty = await logOneLine('pretty', false);
    expect(pretty).toMatch(/INFO.*tickline is up/);
    expect(pretty).not.toContain('\u001b['); // no colours into a file
  });
});
