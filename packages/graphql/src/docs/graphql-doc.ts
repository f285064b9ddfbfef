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
codes in \`extensions.code\` (docs/errors.md), inputs REST's validation (\`HTTP_BAD_REQUEST\` with
\`details.issues\`); a refused field fails alone. Limits: \`graphql.maxDepth\`, \`maxAliases\`,
\`maxCost\` (each field 1, times the \`first\` of the lists above it), \`maxBatch\`; each operation of a
batch, and each subscription, counts against the caller's rate limit. A request the transport
refuses answers REST's status and code in \`errors[0].extensions.code\`: malformed JSON, a \`query\`
that is not a string, \`variables\` that are not an object, a GET parameter given twice — 400
\`HTTP_BAD_REQUEST\`; a body over \`http.bodyLimitBytes\` — 413 \`HTTP_PAYLOAD_TOO_LARGE\`. An
unexpected failure, or an error whose code answers 500, is \`HTTP_INTERNAL\` with the message
\`internal error\` and no details (the log has it).

Subscriptions: graphql-ws (\`graphql-transport-ws\`) at the same path, credentials in the
\`connection_init\` payload (\`{ "authorization": "Bearer …" }\` or \`{ "x-api-key": "…" }\`). A
connection is admitted at its first subscription and counts against the account's stream limit
with its SSE and WebSocket streams; each subscription is a channel of the WebSocket API with its
access rule; \`after\` resumes after an \`eventId\` (a \`stream.reset\` event first when history
cannot fill the gap); refusals and slow consumers end the connection with the stream close codes
(4008 slow consumer, 4029 stream limit, 4501 no valid credential, 4503 revoked), and protocol
errors with graphql-ws's (4400 a malformed message, 4401 a subscribe before \`connection_init\`,
4408 no \`connection_init\` in time, 4409 an id in use, 4429 a second \`connection_init\`). A
document is parsed and checked once per text, executed once per event for every subscriber that
sent it with the same variables, and the encoded payload shared (within one connection only
where a field below the event has a resolver that may read the caller).

On a scaled gateway (\`--role gateway\`), the fields of the domains it forwards to other roles
(strategy: strategies, backtests, research, portfolios, orders, live runs; notify: the inbox and
rules) are answered by those roles: each call of their services goes over NATS request/reply with
the operation's credentials and request id, the owner authenticates and checks the scope, a batched
relation is one request. No owner answering: \`EVLOG_RPC_NO_RESPONDER\` (or \`EVLOG_RPC_TIMEOUT\`,
both 503) on that field alone. Subscriptions are served by the gateway's own hub.

This file is generated from the code (\`npm run docs:graphql\`); a test fails when it drifts.

\`\`\`graphql
${printSchema(buildSchema(SDL))}
\`\`\`
`;
}
