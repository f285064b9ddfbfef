/** @module Internals for tests: everything public plus test support. */
export * from './index.ts';
export { graphqlWsClient } from './testing/graphql-ws-client.ts';
export type { Received, TestGraphqlWsClient } from './testing/graphql-ws-client.ts';
