import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Node warns once per process, so each case runs in a fresh one; returns its exit code and stderr. */
function runNode(script: string): { status: number | null; stderr: string } {
  const url = new URL('./strip-typescript.ts', import.meta.url).href;
  const { status, stderr } = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)});\n${script}`],
    { encoding: 'utf8' },
  );
  return { status, stderr };
}

describe('stripTypeScript', () => {
  it('strips types without printing the ExperimentalWarning', () => {
    const out = runNode(
      "if (m.stripTypeScript('const a: number = 1;').trim() !== 'const a         = 1;') process.exit(3);",
    );
    expect(out).toEqual({ status: 0, stderr: '' });
  });

  it('keeps every other warning, also one emitted right after', () => {
    const out = runNode(
      "m.stripTypeScript('let x: string;'); process.emitWarning('still shown', 'ExperimentalWarning');",
    );
    expect(out.status).toBe(0);
    expect(out.stderr).toContain('ExperimentalWarning: still shown');
    expect(out.stderr).not.toContain('stripTypeScriptTypes');
  });
});
