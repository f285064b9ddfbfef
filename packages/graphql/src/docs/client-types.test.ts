import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, renderClientTypes } from './client-types.ts';

describe('docs - the SDK GraphQL types', () => {
  it('client types - match the schema in code (run `npm run docs:graphql` to regenerate)', () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(renderClientTypes());
  });

  it('client types - name every type Gql… and type arguments and nullable fields', () => {
    const text = renderClientTypes();
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
