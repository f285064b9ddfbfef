import { readFileSync } from 'node:fs';
import { listErrorCodes } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from './errors-doc.ts';

const documented = async (): Promise<string[]> =>
  [...(await renderErrorsDoc()).matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);

describe('docs - errors.md', () => {
  it('matches the error catalogue in code (run `npm run docs:errors` to regenerate)', async () => {
    const onDisk = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(await renderErrorsDoc());
    // Rendering imports every domain module: seconds on a quiet machine, far more at CI's load.
  }, 120_000);

  it('lists every code once, package-prefixed', async () => {
    const codes = await documented();
    expect(codes.length).toBeGreaterThan(10);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^(KERNEL|EVLOG|STORE|AUTH|IDENTITY|RT|MARKET|GAME|STRATEGY|TRADING|SANDBOX|NOTIFY|PLATFORM|GRAPHQL|SERVER|HTTP)_[A-Z0-9_]+$/);
  });

  it("misses no code a loaded package declared: each catalogue is in its module's `errors`", async () => {
    // Rendering loaded every domain, so the kernel's registry now holds every declared catalogue.
    const codes = new Set(await documented());
    const missing = listErrorCodes().filter((e) => !codes.has(e.code)).map((e) => e.code);
    expect(missing).toEqual([]);
  });
});
