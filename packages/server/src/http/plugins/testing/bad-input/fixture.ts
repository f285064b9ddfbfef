/**
 * @module The HTTP bad-input table's environment: the app over a real database, a fresh user (with
 * tokens, an admin beside it, a revoked API key and another user) per row, a snapshot of every
 * table, and a way to send a request (in-process, or on a real socket for what only Node parses).
 */
import { connect } from 'node:net';
import type { Sql } from '@tickline/store';
import type { InjectOptions } from 'fastify';
import { GOOD_PASSWORD, type TestApi } from '../test-api.ts';

export interface BadInputContext {
  api: TestApi;
  sql: Sql;
  /** The app listening on 127.0.0.1, for raw-socket rows. */
  port: number;
}

export interface Fixture {
  email: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  adminToken: string;
  revokedKey: string;
  otherUserId: string;
}

/** What a row's request got back. */
export interface HttpResult {
  status: number;
  body: unknown;
  headers: Record<string, unknown>;
}

/** [name, request, expected status, expected error code] */
export type Row = [string, (ctx: BadInputContext, f: Fixture) => Promise<HttpResult>, number, string];

export const SQL = `'; DROP TABLE users; --`;
export const SQL_OR = `' OR '1'='1`;
export const SCRIPT = `<script>alert(1)</script>`;
export const long = (n: number) => 'x'.repeat(n);
export const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let counter = 0;
export const uniqueEmail = (tag: string) => `${tag}${++counter}-${process.pid}@example.com`;

export async function createFixture({ api }: BadInputContext): Promise<Fixture> {
  const email = uniqueEmail('bad');
  const signed = await api.identity.signUp({ email, password: GOOD_PASSWORD });
  const principal = await api.identity.authenticateAccessToken(signed.tokens.accessToken);
  const { apiKey, key } = await api.identity.createApiKey(principal, { name: 'k', scopes: ['market:read'] });
  await api.identity.revokeApiKey(principal, apiKey.id);
  // Revoking a key bumps the user's session version (access tokens issued before it are refused):
  // sign in again for the tokens the rows use.
  const current = await api.identity.signIn({ email, password: GOOD_PASSWORD });
  if (current.status !== 'signed_in') throw new Error('user sign-in needs MFA');
  const adminEmail = uniqueEmail('admin');
  await api.identity.createAccount({ email: adminEmail, password: GOOD_PASSWORD }, 'admin');
  const admin = await api.identity.signIn({ email: adminEmail, password: GOOD_PASSWORD });
  if (admin.status !== 'signed_in') throw new Error('admin sign-in needs MFA');
  const other = await api.identity.signUp({ email: uniqueEmail('other'), password: GOOD_PASSWORD });
  return {
    email,
    userId: signed.user.id,
    accessToken: current.tokens.accessToken,
    refreshToken: current.tokens.refreshToken,
    adminToken: admin.tokens.accessToken,
    revokedKey: key,
    otherUserId: other.user.id,
  };
}

/** Every row of every table in the public schema, as JSON text, in a stable order. */
export async function snapshotDatabase(sql: Sql): Promise<Record<string, string[]>> {
  const tables = await sql.query<{ name: string }>(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const snapshot: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    const rows = await sql.query<{ row: string }>(
      `select to_jsonb(t)::text as row from "${name}" t order by 1`,
    );
    snapshot[name] = rows.rows.map((r) => r.row);
  }
  return snapshot;
}

/** Sends through `app.inject` (the whole Fastify pipeline without a socket). */
export async function send(ctx: BadInputContext, options: InjectOptions): Promise<HttpResult> {
  const res = await ctx.api.app.inject(options);
  let body: unknown = res.body;
  try {
    body = res.json();
  } catch {
    // not JSON: keep the text
  }
  return { status: res.statusCode, body, headers: res.headers };
}

export const post = (
  ctx: BadInputContext,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
) => send(ctx, { method: 'POST', url, payload: payload as object, headers });

/** Writes raw bytes to the listening app: for what Node refuses before Fastify (header size). */
export function sendRaw(ctx: BadInputContext, bytes: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port: ctx.port, host: '127.0.0.1' });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const at = text.indexOf('\r\n\r\n');
      resolve({ status, body: at === -1 ? text : (JSON.parse(text.slice(at + 4)) as unknown), headers: {} });
    });
    socket.on('connect', () => socket.write(bytes));
  });
}

/** The `error.code` of a result body. */
export const codeOf = (result: HttpResult) => (result.body as { error?: { code?: string } }).error?.code;
