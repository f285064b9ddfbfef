/**
 * @module `npm run docs:graphql`: regenerates docs/graphql.md and the SDK's GraphQL types, both
 * printed from the schema the server builds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { CLIENT_TYPES_FILE, renderClientTypes } from './client-types.ts';
import { renderGraphqlDoc } from './graphql-doc.ts';

const doc = new URL('../../../../docs/graphql.md', import.meta.url);
writeFileSync(doc, renderGraphqlDoc());
console.log(`wrote ${doc.pathname}`);
mkdirSync(new URL('.', CLIENT_TYPES_FILE), { recursive: true });
writeFileSync(CLIENT_TYPES_FILE, renderClientTypes());
console.log(`wrote ${CLIENT_TYPES_FILE.pathname}`);
