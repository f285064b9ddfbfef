/** @module `npm run docs:graphql`: regenerates docs/graphql.md. */
import { writeFileSync } from 'node:fs';
import { renderGraphqlDoc } from './graphql-doc.ts';

const target = new URL('../../../../docs/graphql.md', import.meta.url);
writeFileSync(target, renderGraphqlDoc());
console.log(`wrote ${target.pathname}`);
