/**
 * @module `@tickline/client/graphql` — typing GraphQL documents for `client.graphql`: the
 * schema's types (`GqlPortfolio`, `GqlQueryPortfolioArgs`, …), generated from the server's SDL,
 * and `graphqlDocument` to pair a query with the types of its answer and variables. The whole
 * generated file is the surface on purpose: it is the schema.
 *
 * @example
 * import { graphqlDocument, type GqlQueryPortfolioArgs, type GqlPortfolio } from '@tickline/client/graphql';
 * const Cash = graphqlDocument<{ portfolio: Pick<GqlPortfolio, 'cash'> | null }, GqlQueryPortfolioArgs>(
 *   'query($id: ID!) { portfolio(id: $id) { cash } }',
 * );
 * const { portfolio } = await client.graphql.data(Cash, { id: userId });
 */
export { graphqlDocument } from './graphql-api.ts';
export type { GraphqlApi, GraphqlDocument, GraphqlFieldError, GraphqlResult } from './graphql-api.ts';
export type * from './generated/index.ts';
