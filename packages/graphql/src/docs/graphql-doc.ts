/**
 * @module docs/graphql.md: the schema as SDL, printed from the schema the server builds, so the
 * document cannot drift (a test compares it; `npm run docs:graphql` regenerates it).
 */
import { buildSchema, printSchema } from 'graphql';
import { SDL } from '../schema/sdl.ts';

export function renderGraphqlDoc(): string {
  return `# GraphQL schema

\`POST /api/v1/graphql\` (GraphiQL at \`/api/v1/graphiql\` while \`graphql.introspection\` is on).
Credentials are REST's: \`Authorization: Bearer <access token>\` or \`X-API-Key\`. Errors carry REST's
codes in \`extensions.code\` (docs/errors.md); a refused field fails alone. Limits: \`graphql.maxDepth\`,
\`maxAliases\`, \`maxCost\` (each field 1, times the \`first\` of the lists above it), \`maxBatch\`.
This file is generated from the code (\`npm run docs:graphql\`); a test fails when it drifts.

\`\`\`graphql
${printSchema(buildSchema(SDL))}
\`\`\`
`;
}
