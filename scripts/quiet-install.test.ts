import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NPM_CI_ARGS, runQuietly } from './quiet-install.mjs';

/**
 * A stand-in for npm: prints screens of warnings, then exits with `code`. It sets
 * `process.exitCode` rather than calling `process.exit()`: a forced exit drops stderr writes still
 * queued on a busy machine's pipe, which lost the last line in CI.
 */
function noisyInstall(code: number): string[] {
  return [
    '-e',
    `for (let i = 0; i < 200; i++) console.error('npm warn EBADENGINE Unsupported engine { required: { node: ">=24" } }');` +
      `console.error('npm error code E${code}'); process.exitCode = ${code};`,
  ];
}

async function capture(code: number) {
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const result = await runQuietly('installing', process.execPath, noisyInstall(code), {
    out: out as unknown as NodeJS.WriteStream,
  });
  return { result, printed };
}

describe('bootstrap - first run', () => {
  it('install - npm ci runs at error log level, so EBADENGINE warnings are not even produced', () => {
    expect(NPM_CI_ARGS).toContain('--loglevel=error');
  });

  it('install - success prints a progress line and nothing of what the installer said', async () => {
    const { result, printed } = await capture(0);
    expect(result.ok).toBe(true);
    expect(printed).not.toContain('EBADENGINE');
    expect(printed.trim().split('\n')).toHaveLength(2);
    expect(printed).toMatch(/installing: done in \d+ s/);
  });

  it('install - failure keeps the output for the caller to show', async () => {
    const { result, printed } = await capture(3);
    expect(result).toMatchObject({ ok: false, status: 3 });
    expect(result.output).toContain('npm error code E3');
    expect(printed).toMatch(/installing: failed/);
  });

  it('checks - steps run side by side draw no progress line, even on a terminal', async () => {
    const out = Object.assign(new PassThrough(), { isTTY: true });
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const result = await runQuietly('check: one', process.execPath, noisyInstall(0), {
      out: out as unknown as NodeJS.WriteStream,
      progress: false,
    });
    expect(result.ok).toBe(true);
    expect(printed).not.toContain('\r');
    expect(printed.trim().split('\n')).toEqual([
      'check: one…',
      expect.stringMatching(/^check: one: done in \d+ s$/),
    ]);
  });
});
