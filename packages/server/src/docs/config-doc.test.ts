import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDoc } from './config-doc.ts';

describe('docs - config.md', () => {
  it('matches the config schema in code (run `npm run docs:config` to regenerate)', () => {
    const onDisk = readFileSync(new URL('../../../../docs/config.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderConfigDoc());
  });
});
