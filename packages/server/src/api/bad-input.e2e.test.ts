/**
 * A hostile user's input over HTTP against `tickline start` (the audit of a running server): a NUL
 * character (which PostgreSQL text cannot hold) in a JSON body or the URL is refused with 400
 * before anything is written; a 500 names no internals (no SQL, no SQLSTATE); GraphQL's transport
 * answers malformed JSON, a query that is not a string and an oversized body with REST's statuses
 * and codes; the orders route answers like every other route.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-bad-input-'));
let server: RunningServer;
let user: TestUser;
let admin: string;

/** Over the default `http.bodyLimitBytes` (1 MiB). */
const FIVE_MB = 5 * 1024 * 1024;
const SOURCE = 'export default { onCandle() {} }';

beforeAll(async () => {
  server = await startTicklineServer(embeddedTestEnv(dataDir, { TICKLINE_AUTH_TIERS_FREE_BURST: '200' }));
  user = await signUpAndIn(server.url, 'hostile@example.test');
  admin = await initialAdminToken(server.url, dataDir);
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sends `body` as it is (a string is sent verbatim as JSON text). */
async function raw(
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: JSON.parse(text),
    requestId: response.headers.get('x-request-id'),
  };
}

/**
 * POSTs `body` as a client that declares its length first: the headers, then — only if no answer
 * came within a second — the body in 64 KiB chunks, stopping once the answer comes. The server
 * answers 413 from the Content-Length alone and closes the connection; a client that wrote the
 * body at once (fetch) failed with EPIPE instead of reading that answer on a busy machine.
 */
function postLarge(path: string, body: string, headers: Record<string, string> = {}) {
  const bytes = Buffer.from(body);
  type Answer = {
    status: number;
    text: string;
    body: ReturnType<typeof JSON.parse>;
    requestId: string | null;
  };
  return new Promise<Answer>((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      `${server.url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers },
      },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text,
            body: JSON.parse(text),
            requestId: (res.headers['x-request-id'] as string | undefined) ?? null,
          }),
        );
      },
    );
    // After the answer the server closes: a write then fails, and that is expected.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const write = (at: number): void => {
      if (answered) return;
      if (at >= bytes.length) return void req.end();
      const next = Math.min(at + 65_536, bytes.length);
      if (req.write(bytes.subarray(at, next))) setImmediate(() => write(next));
      else req.once('drain', () => write(next));
    };
    req.flushHeaders();
    setTimeout(() => write(0), 1_000);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The server's log lines at error level for one request. */
const errorLinesOf = (requestId: string | null) =>
  server.logLines().filter((line) => line.requestId === requestId && line.level === 'error');

/** What a 500 may say: the code and a fixed message, nothing else. */
const LEAKS = /sqlState|statement|insert into|select |from strategies|platform_audit|stack/i;

describe('bad input - a NUL character is refused before anything is written', () => {
  it('NUL - in a strategy name: 400 naming the field, nothing stored, no SQL in the answer', async () => {
    const response = await raw(
      'POST',
      '/api/v1/strategies',
      JSON.stringify({ name: 'a\u0000b', source: SOURCE }),
      bearer(user.accessToken),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('HTTP_BAD_REQUEST');
    expect(response.body.error.details.issues).toEqual([
      expect.objectContaining({ in: 'body', path: 'name', code: 'nul_character' }),
    ]);
    expect(response.text).not.toMatch(LEAKS);
    const listed = await callJson(server.url, 'GET', '/api/v1/strategies', { bearer: user.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.strategies).toEqual([]);
    // A refusal of the client's input is no server error.
    expect(errorLinesOf(response.requestId)).toEqual([]);
  });

  it('NUL - deep in a body (an array item, a key): the path names where', async () => {
    const inArray = await raw(
      'POST',
      '/api/v1/api-keys',
      JSON.stringify({ name: 'k', scopes: ['market:read\u0000'] }),
      bearer(user.accessToken),
    );
    expect(inArray.status).toBe(400);
    expect(inArray.body.error.details.issues[0]).toMatchObject({ path: 'scopes.0', code: 'nul_character' });
    const inKey = await raw(
      'POST',
      '/api/v1/strategies',
      JSON.stringify({ name: 'x', source: SOURCE, params: { 'a\u0000': 1 } }),
      bearer(user.accessToken),
    );
    expect(inKey.status).toBe(400);
    expect(inKey.body.error.details.issues[0]).toMatchObject({
      path: 'params.a\\u0000',
      code: 'nul_character',
    });
  });

  it('NUL - in an admin broadcast: 400, and no audit row', async () => {
    const before = await callJson(server.url, 'GET', '/api/v1/admin/audit', { bearer: admin });
    expect(before.status).toBe(200);
    const response = await raw(
      'POST',
      '/api/v1/admin/broadcast',
      JSON.stringify({ text: 'maintenance\u0000at noon' }),
      bearer(admin),
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'HTTP_BAD_REQUEST' });
    expect(response.body.error.details.issues[0]).toMatchObject({ path: 'text', code: 'nul_character' });
    expect(response.text).not.toMatch(LEAKS);
    const after = await callJson(server.url, 'GET', '/api/v1/admin/audit', { bearer: admin });
    expect(after.body.entries).toEqual(before.body.entries);
  });

  it('NUL - in the URL (%00 in a path parameter or the query): 400, not a database error', async () => {
    for (const path of [`/api/v1/portfolios/a%00b`, `/api/v1/portfolios/${user.userId}/orders?status=%00`]) {
      const response = await raw('GET', path, undefined, bearer(user.accessToken));
      expect(response.status, path).toBe(400);
      expect(response.body.error.code, path).toBe('HTTP_BAD_REQUEST');
      expect(response.text).not.toMatch(LEAKS);
    }
  });
});

describe('bad input - refused before the database, not failed in it', () => {
  // Each of these once reached PostgreSQL and came back as a 500. A 500 itself answers a fixed
  // message and logs the fault (http/app.test.ts injects one): no request here should cause one.
  it('a version beyond any version (past the database integer) is a 400', async () => {
    const created = await callJson(server.url, 'POST', '/api/v1/strategies', {
      bearer: user.accessToken,
      body: { name: 'fine', source: SOURCE },
    });
    expect(created.status).toBe(201);
    const response = await raw(
      'POST',
      '/api/v1/backtests',
      JSON.stringify({
        strategyId: created.body.strategy.id,
        version: 3_000_000_000,
        symbol: 'BTC-USDT',
        interval: '1h',
        from: 0,
        to: 3_600_000,
      }),
      bearer(user.accessToken),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('HTTP_BAD_REQUEST');
    expect(errorLinesOf(response.requestId)).toEqual([]);
  });

  it('a NUL written as a GraphQL escape in a literal is a 400, as in a JSON body', async () => {
    const response = await raw(
      'POST',
      '/api/v1/graphql',
      JSON.stringify({ query: '{ portfolio(id: "a\\u0000b") { id } }' }),
      bearer(user.accessToken),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual([
      'HTTP_BAD_REQUEST',
    ]);
    expect(response.text).not.toMatch(LEAKS);
    expect(errorLinesOf(response.requestId)).toEqual([]);
  });
});

describe('bad input - GraphQL transport answers REST statuses and codes', () => {
  const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
    (body.errors ?? []).map((e) => e.extensions?.code);

  it.each([
    ['malformed JSON', '{"query":', 400, 'HTTP_BAD_REQUEST'],
    ['empty body', '', 400, 'HTTP_BAD_REQUEST'],
    ['query is a number', '{"query":123}', 400, 'HTTP_BAD_REQUEST'],
    [
      'query is an object (an AST)',
      '{"query":{"kind":"Document","definitions":[]}}',
      400,
      'HTTP_BAD_REQUEST',
    ],
    ['variables is a string', '{"query":"{ __typename }","variables":"x"}', 400, 'HTTP_BAD_REQUEST'],
    ['body is null', 'null', 400, 'HTTP_BAD_REQUEST'],
    [
      'a batch item with a numeric query',
      '[{"query":"{ __typename }"},{"query":1}]',
      400,
      'HTTP_BAD_REQUEST',
    ],
    ['a NUL in variables', '{"query":"{ __typename }","variables":{"a":"\\u0000"}}', 400, 'HTTP_BAD_REQUEST'],
  ])('graphql - %s (%s): %i %s, no server error logged', async (_name, body, status, code) => {
    const response = await raw('POST', '/api/v1/graphql', body);
    expect(response.status).toBe(status);
    expect(codes(response.body)).toEqual([code]);
    expect(response.body.data).toBeNull();
    expect(errorLinesOf(response.requestId)).toEqual([]);
  });

  it('graphql - a 5 MB body is 413 HTTP_PAYLOAD_TOO_LARGE', async () => {
    const response = await postLarge(
      '/api/v1/graphql',
      JSON.stringify({ query: `{ __typename } #${'x'.repeat(FIVE_MB)}` }),
    );
    expect(response.status).toBe(413);
    expect(codes(response.body)).toEqual(['HTTP_PAYLOAD_TOO_LARGE']);
    expect(errorLinesOf(response.requestId)).toEqual([]);
  });

  it('graphql - a query repeated in the URL of a GET is 400; a well-formed one still answers', async () => {
    const repeated = await raw(
      'GET',
      '/api/v1/graphql?query=%7B__typename%7D&query=%7B__typename%7D',
      undefined,
    );
    expect(repeated.status).toBe(400);
    expect(codes(repeated.body)).toEqual(['HTTP_BAD_REQUEST']);
    const fine = await raw('POST', '/api/v1/graphql', JSON.stringify({ query: '{ __typename }' }));
    expect(fine.body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('bad input - the orders route answers like every other route', () => {
  const orders = () => `/api/v1/portfolios/${user.userId}/orders`;
  const headers = () => ({ ...bearer(user.accessToken), 'idempotency-key': 'bad-input-1' });

  it('orders - malformed JSON is 400 HTTP_BAD_REQUEST, as on /strategies', async () => {
    const order = await raw('POST', orders(), '{"symbol":', headers());
    const strategy = await raw('POST', '/api/v1/strategies', '{"name":', bearer(user.accessToken));
    expect(order.status).toBe(400);
    expect(order.body.error.code).toBe('HTTP_BAD_REQUEST');
    expect(order.body).toEqual(strategy.body);
  });

  it('orders - 5 MB is 413 HTTP_PAYLOAD_TOO_LARGE', async () => {
    const order = await postLarge(orders(), JSON.stringify({ pad: 'x'.repeat(FIVE_MB) }), headers());
    expect(order.status).toBe(413);
    expect(order.body.error.code).toBe('HTTP_PAYLOAD_TOO_LARGE');
  });

  it('orders - 5e-324 units (below the 0.00000001 minimum) is 400 naming quantity; nothing placed (issue 46)', async () => {
    for (const quantity of [5e-324, 1e-9]) {
      const order = await raw(
        'POST',
        orders(),
        JSON.stringify({ symbol: 'BTC-USDT', side: 'buy', quantity }),
        { ...bearer(user.accessToken), 'idempotency-key': `tiny-${quantity}` },
      );
      expect(order.status, String(quantity)).toBe(400);
      expect(order.body.error.code).toBe('HTTP_BAD_REQUEST');
      expect(order.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['quantity']);
    }
    const listed = await raw('GET', `${orders()}?status=all`, undefined, bearer(user.accessToken));
    expect(listed.body.orders).toEqual([]);
  });

  it('orders - validation issues are { in, path, code, message }, as on /strategies', async () => {
    const order = await raw('POST', orders(), JSON.stringify({ symbol: 1, side: 'up' }), headers());
    expect(order.status).toBe(400);
    expect(order.body.error.code).toBe('HTTP_BAD_REQUEST');
    const issues = order.body.error.details.issues as Array<Record<string, unknown>>;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(Object.keys(issue).sort()).toEqual(['code', 'in', 'message', 'path']);
      expect(issue.in).toBe('body');
    }
    expect(issues.map((i) => i.path)).toContain('symbol');
    const strategy = await raw(
      'POST',
      '/api/v1/strategies',
      JSON.stringify({ name: 1 }),
      bearer(user.accessToken),
    );
    expect(Object.keys(strategy.body.error.details.issues[0]).sort()).toEqual([
      'code',
      'in',
      'message',
      'path',
    ]);
  });
});
