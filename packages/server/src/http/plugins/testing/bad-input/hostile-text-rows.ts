/**
 * @module SQL and script text in every text field of sign-up, sign-in and API-key creation. Each is
 * either refused (and nothing changes) or accepted and stored exactly as sent — read back from
 * the database — never executed: the tables are all still there afterwards.
 */
import { expect } from 'vitest';
import { GOOD_PASSWORD } from '../test-api.ts';
import {
  bearer,
  post,
  SCRIPT,
  SQL,
  uniqueEmail,
  type BadInputContext,
  type HttpResult,
  type Fixture,
} from './fixture.ts';

/** Refused with this status and code, database unchanged. */
interface Refused {
  status: number;
  code: string;
}
/** Accepted; `check` proves the value was kept verbatim. */
interface Accepted {
  status: number;
  check: (ctx: BadInputContext, body: unknown, text: string, f: Fixture) => Promise<void>;
}
export type HostileRow = [
  string,
  string,
  (ctx: BadInputContext, f: Fixture, text: string) => Promise<HttpResult>,
  Refused | Accepted,
];

const B = { status: 400, code: 'HTTP_BAD_REQUEST' };

async function column(ctx: BadInputContext, query: string, id: string): Promise<unknown> {
  return (await ctx.sql.query<{ v: unknown }>(query, [id])).rows[0]?.v;
}

const displayNameStored: Accepted = {
  status: 201,
  async check(ctx, body, text) {
    const id = (body as { user: { id: string; displayName: string } }).user.id;
    expect((body as { user: { displayName: string } }).user.displayName).toBe(text);
    expect(await column(ctx, 'select display_name as v from users where id = $1', id)).toBe(text);
  },
};

const passwordUsable: Accepted = {
  status: 201,
  async check(ctx, body, text) {
    const { email } = (body as { user: { email: string } }).user;
    const again = await post(ctx, '/api/v1/auth/sign-in', { email, password: `${text} ${GOOD_PASSWORD}` });
    expect(again.status).toBe(200);
  },
};

const apiKeyNameStored: Accepted = {
  status: 201,
  async check(ctx, body, text) {
    const id = (body as { apiKey: { id: string } }).apiKey.id;
    expect(await column(ctx, 'select name as v from api_keys where id = $1', id)).toBe(text);
  },
};

const signUp = (fields: (text: string) => object) => (ctx: BadInputContext, _f: Fixture, text: string) =>
  post(ctx, '/api/v1/auth/sign-up', {
    email: uniqueEmail('hostile'),
    password: GOOD_PASSWORD,
    ...fields(text),
  });

const HOSTILE: Array<[string, string]> = [
  ['SQL', SQL],
  ['script', SCRIPT],
];

const FIELDS: Array<
  [string, (ctx: BadInputContext, f: Fixture, text: string) => Promise<HttpResult>, Refused | Accepted]
> = [
  ['sign-up email', signUp((text) => ({ email: text })), B],
  ['sign-up password', signUp((text) => ({ password: `${text} ${GOOD_PASSWORD}` })), passwordUsable],
  ['sign-up display name', signUp((text) => ({ displayName: text })), displayNameStored],
  [
    'sign-in email',
    (c, _f, text) => post(c, '/api/v1/auth/sign-in', { email: text, password: GOOD_PASSWORD }),
    B,
  ],
  [
    'sign-in password',
    (c, f, text) => post(c, '/api/v1/auth/sign-in', { email: f.email, password: text }),
    { status: 401, code: 'AUTH_INVALID_CREDENTIALS' },
  ],
  [
    'API key name',
    (c, f, text) =>
      post(c, '/api/v1/api-keys', { name: text, scopes: ['market:read'] }, bearer(f.accessToken)),
    apiKeyNameStored,
  ],
  [
    'API key scope',
    (c, f, text) => post(c, '/api/v1/api-keys', { name: 'k', scopes: [text] }, bearer(f.accessToken)),
    B,
  ],
];

export const HOSTILE_TEXT_ROWS: HostileRow[] = FIELDS.flatMap(([field, request, expected]) =>
  HOSTILE.map(([kind, text]): HostileRow => [`${field} - ${kind}`, text, request, expected]),
);
