import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from './errors-doc.ts';

describe('docs - errors.md', () => {
  it('matches the error catalogue in code (run `npm run docs:errors` to regenerate)', () => {
    const onDisk = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorsDoc());
  });

  it('lists every code once, package-prefixed', () => {
    const codes = [...renderErrorsDoc().matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^(KERNEL|EVLOG|STORE|AUTH|IDENTITY|RT|MARKET|GAME|STRATEGY|NOTIFY|PLATFORM|SERVER|HTTP)_[A-Z0-9_]+$/);
  });
});
