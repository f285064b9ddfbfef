/**
 * @module NUL (U+0000) in an operation's string literals, refused before it runs. The gateway
 * refuses one in a JSON body (variables included), but a literal in the query text can carry it as
 * a GraphQL escape (`"a\u0000b"`), which only the parse turns into the character — and PostgreSQL
 * text cannot hold it, so it failed in the database as a 500. Refused as REST refuses it: 400
 * `HTTP_BAD_REQUEST` naming `nul_character`.
 */
import { BREAK, type DocumentNode, visit } from 'graphql';
import { z } from 'zod';

const NUL = '\u0000';

/** @throws ZodError (HTTP_BAD_REQUEST) when a string literal of `document` holds a NUL */
export function refuseNulStrings(document: DocumentNode): void {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (!node.value.includes(NUL)) return undefined;
      found = true;
      return BREAK;
    },
  });
  if (found)
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['query'],
        message: 'a string literal contains a NUL character (U+0000), which text cannot hold',
        input: undefined,
      },
    ]);
}
