/**
 * @module `npm run docs:graphql`: regenerates docs/graphql.md and the SDK's GraphQL types, both
 * printed from the schema the server builds.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { CLIENT_TYPES_DIR, renderClientTypes } from './client-types.ts';
import { renderGraphqlDoc } from './graphql-doc.ts';

const doc = new URL('../../../../docs/graphql.md', import.meta.url);
writeFileSync(doc, renderGraphqlDoc());
console.log(`wrote ${doc.pathname}`);
mkdirSync(CLIENT_TYPES_DIR, { recursive: true });
const files = renderClientTypes();
// A part that no longer exists leaves no file behind.
for (const name of readdirSync(CLIENT_TYPES_DIR))
  if (!files.has(name)) rmSync(new URL(name, CLIENT_TYPES_DIR));
for (const [name, text] of files) writeFileSync(new URL(name, CLIENT_TYPES_DIR), text);
console.log(`wrote ${files.size} files in ${CLIENT_TYPES_DIR.pathname}`);
