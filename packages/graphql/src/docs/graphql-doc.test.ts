import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderGraphqlDoc } from './graphql-doc.ts';

describe('docs - graphql.md', () => {
  it('graphql doc - matches the schema in code (run `npm run docs:graphql` to regenerate)', () => {
    const onDisk = readFileSync(new URL('../../../../docs/graphql.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderGraphqlDoc());
  });
});
