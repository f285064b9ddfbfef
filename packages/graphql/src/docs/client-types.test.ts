import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_DIR, renderClientTypes } from './client-types.ts';

describe('docs - the SDK GraphQL types', () => {
  it('client types - match the schema in code (run `npm run docs:graphql` to regenerate)', () => {
    const files = renderClientTypes();
    expect(readdirSync(CLIENT_TYPES_DIR).sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files)
      expect(readFileSync(new URL(name, CLIENT_TYPES_DIR), 'utf8')).toBe(text);
  });

  it('client types - name every type Gql… and type arguments and nullable fields', () => {
    const text = [...renderClientTypes().values()].join('\n');
    expect(text).toContain('export interface GqlPortfolio {');
    expect(text).toContain('  positions: GqlPosition[];');
    expect(text).toContain('  ticker: GqlTicker | null;');
    expect(text).toContain("export type GqlOrderListStatus = 'OPEN' | 'ALL';");
    expect(text).toMatch(/export interface GqlQueryPortfolioArgs \{\n {2}id: string;\n\}/);
    expect(text).toMatch(
      /export interface GqlPortfolioOrdersArgs \{[^}]*status\?: GqlOrderListStatus \| null;/,
    );
  });
});
