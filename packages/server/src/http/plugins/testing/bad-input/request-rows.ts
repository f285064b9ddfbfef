/** @module Bad-input rows: malformed bodies, wrong types, unknown fields, bad parameters, sizes. */
import { GOOD_PASSWORD, TEST_BODY_LIMIT_BYTES, TEST_MAX_HEADER_BYTES } from '../test-api.ts';
import { bearer, long, post, send, sendRaw, SQL_OR, type Row } from './fixture.ts';

const SIGN_UP = '/api/v1/auth/sign-up';
const json = { 'content-type': 'application/json' };
const B = 'HTTP_BAD_REQUEST';

export const REQUEST_ROWS: Row[] = [
  [
    'malformed JSON - cut short',
    (c) => send(c, { method: 'POST', url: SIGN_UP, headers: json, payload: '{"email":' }),
    400,
    B,
  ],
  [
    'malformed JSON - trailing garbage',
    (c) => send(c, { method: 'POST', url: SIGN_UP, headers: json, payload: '{"email":"a@b.co"} x' }),
    400,
    B,
  ],
  [
    'malformed JSON - empty body',
    (c) => send(c, { method: 'POST', url: '/api/v1/auth/sign-in', headers: json, payload: '' }),
    400,
    B,
  ],
  [
    'not JSON - a form-encoded body',
    (c) =>
      send(c, {
        method: 'POST',
        url: SIGN_UP,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'email=a',
      }),
    415,
    'HTTP_UNSUPPORTED_MEDIA_TYPE',
  ],
  ['wrong type - body is an array', (c) => post(c, SIGN_UP, []), 400, B],
  [
    'wrong type - body is a JSON string',
    (c) => send(c, { method: 'POST', url: SIGN_UP, headers: json, payload: '"x"' }),
    400,
    B,
  ],
  ['wrong type - email is a number', (c) => post(c, SIGN_UP, { email: 42, password: GOOD_PASSWORD }), 400, B],
  [
    'wrong type - password is an object',
    (c) => post(c, SIGN_UP, { email: 'a@example.com', password: { $ne: '' } }),
    400,
    B,
  ],
  [
    'wrong type - API key scopes is a string',
    (c, f) => post(c, '/api/v1/api-keys', { name: 'k', scopes: 'admin' }, bearer(f.accessToken)),
    400,
    B,
  ],
  [
    'wrong type - API key expiresInDays is a string',
    (c, f) =>
      post(
        c,
        '/api/v1/api-keys',
        { name: 'k', scopes: ['market:read'], expiresInDays: '9' },
        bearer(f.accessToken),
      ),
    400,
    B,
  ],
  [
    'wrong type - admin sets tier to a number',
    (c, f) =>
      send(c, {
        method: 'PATCH',
        url: `/api/v1/admin/users/${f.userId}`,
        payload: { tier: 3 },
        headers: bearer(f.adminToken),
      }),
    400,
    B,
  ],
  [
    'unknown field - sign-up role=admin',
    (c) => post(c, SIGN_UP, { email: 'r@example.com', password: GOOD_PASSWORD, role: 'admin' }),
    400,
    B,
  ],
  [
    'unknown field - sign-in remember',
    (c, f) => post(c, '/api/v1/auth/sign-in', { email: f.email, password: GOOD_PASSWORD, remember: true }),
    400,
    B,
  ],
  [
    'unknown field - API key userId',
    (c, f) =>
      post(
        c,
        '/api/v1/api-keys',
        { name: 'k', scopes: ['market:read'], userId: f.otherUserId },
        bearer(f.accessToken),
      ),
    400,
    B,
  ],
  [
    'unknown field - refresh sessionId',
    (c, f) => post(c, '/api/v1/auth/refresh', { refreshToken: f.refreshToken, sessionId: 'x' }),
    400,
    B,
  ],
  [
    'unknown field - admin sets email',
    (c, f) =>
      send(c, {
        method: 'PATCH',
        url: `/api/v1/admin/users/${f.userId}`,
        payload: { email: 'x@example.com' },
        headers: bearer(f.adminToken),
      }),
    400,
    B,
  ],
  [
    'unknown query parameter - admin users ?isAdmin',
    (c, f) => send(c, { url: '/api/v1/admin/users?isAdmin=true', headers: bearer(f.adminToken) }),
    400,
    B,
  ],
  [
    'bad path parameter - API key id not a UUID',
    (c, f) => send(c, { method: 'DELETE', url: '/api/v1/api-keys/42', headers: bearer(f.accessToken) }),
    400,
    B,
  ],
  [
    'bad path parameter - SQL as user id',
    (c, f) =>
      send(c, {
        method: 'PATCH',
        url: `/api/v1/admin/users/${encodeURIComponent(SQL_OR)}`,
        payload: { tier: 'enterprise' },
        headers: bearer(f.adminToken),
      }),
    400,
    B,
  ],
  [
    'oversized body - over bodyLimitBytes',
    (c) =>
      post(c, SIGN_UP, {
        email: 'big@example.com',
        password: GOOD_PASSWORD,
        displayName: long(TEST_BODY_LIMIT_BYTES),
      }),
    413,
    'HTTP_PAYLOAD_TOO_LARGE',
  ],
  [
    'oversized field - 300-character email',
    (c) => post(c, SIGN_UP, { email: `${long(300)}@example.com`, password: GOOD_PASSWORD }),
    400,
    B,
  ],
  [
    'oversized field - 1000-character password',
    (c) => post(c, SIGN_UP, { email: 'p@example.com', password: long(1000) }),
    400,
    B,
  ],
  [
    'oversized field - 65-character display name',
    (c) => post(c, SIGN_UP, { email: 'd@example.com', password: GOOD_PASSWORD, displayName: long(65) }),
    400,
    B,
  ],
  [
    'oversized headers - a cookie over maxHeaderBytes (real socket)',
    (c) =>
      sendRaw(c, `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: ${long(TEST_MAX_HEADER_BYTES * 2)}\r\n\r\n`),
    431,
    'HTTP_HEADERS_TOO_LARGE',
  ],
  [
    'upgrade - a WebSocket upgrade to a path no endpoint serves (real socket)',
    (c) =>
      sendRaw(
        c,
        'GET /api/v1/nope HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ),
    404,
    'HTTP_NOT_FOUND',
  ],
  [
    'slow head - request headers that never finish are cut at the deadline (real socket)',
    (c) => sendRaw(c, 'GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: '),
    408,
    'HTTP_REQUEST_TIMEOUT',
  ],
  [
    // Fastify's router answers a path that does not percent-decode in its own shape (46.13).
    'bad URL - a path whose percent-encoding does not decode',
    (c) => send(c, { url: '/api/v1/markets/%E0%A4%A/candles' }),
    400,
    B,
  ],
  [
    'oversized header - a 7 KB bearer token',
    (c) => send(c, { url: '/api/v1/me', headers: bearer(long(7000)) }),
    401,
    'AUTH_TOKEN_MALFORMED',
  ],
];
