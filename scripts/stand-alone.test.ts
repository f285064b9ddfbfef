/**
 * @module The repository stands alone: every Markdown file its docs and comments name exists in
 * it. Notes kept outside the repository are not evidence a reader can follow; a fact they held
 * belongs in `docs/` with its public source.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', 'data', 'coverage', 'test-artifacts', '.git', '.tmp']);
const TEXT = /\.(ts|tsx|mjs|js|md|json|ya?ml|html|css)$/;
/** A file name ending in `.md` that is not part of a path or URL. */
const MARKDOWN_NAME = /(?<![\w/.-])([\w.-]+\.md)\b/g;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

describe('repository - stands alone', () => {
  it('docs - every Markdown file named in the repository exists in it', () => {
    const files = walk(ROOT);
    const present = new Set(files.map((f) => basename(f)));
    const missing: string[] = [];
    for (const file of files) {
      if (!TEXT.test(file) || file.endsWith('package-lock.json') || file.includes('/fixtures/')) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(MARKDOWN_NAME))
        if (!present.has(match[1]!)) missing.push(`${file.slice(ROOT.length + 1)}: ${match[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
