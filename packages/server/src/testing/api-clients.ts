/**
 * @module Test clients of a running tickline: the REST calls of the account flow, and real stream
 * clients — an `eventsource` EventSource and a `ws` WebSocket — that record what they receive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import { WebSocket } from 'ws';
import { INITIAL_ADMIN_FILE } from '@tickline/identity';
import { until } from '@tickline/testing';

/** A password the identity policy accepts. */
export const TEST_PASSWORD = 'violet-kettle-93-orbit';

/** A JSON response. */
export interface JsonResponse {
  status: number;
  body: any;
  headers: Headers;
  /** `performance.now()` when the response was complete. */
  receivedAt: number;
}

/** Sends `body` as JSON (or nothing) to `base + path`. */
export async function callJson(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; bearer?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
    receivedAt: performance.now(),
  };
}

/** Signs `email` in with `password` and returns the access token (throws on any other answer). */
export async function accessTokenFor(base: string, email: string, password: string): Promise<string> {
  const response = await callJson(base, 'POST', '/api/v1/auth/sign-in', { body: { email, password } });
  if (response.status !== 200)
    throw new Error(`sign-in of ${email}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.tokens.accessToken as string;
}

/** A signed-in test user. */
export interface TestUser {
  userId: string;
  email: string;
  accessToken: string;
  /** `tickline_session=…`, as a browser would send it back. */
  cookie: string;
  /** The sign-up response. */
  signUp: JsonResponse;
}

function sessionCookieOf(response: JsonResponse): string {
  // A sign-in sets the device cookie too (identity's sign-ins/device-token.ts): pick ours.
  const cookies = response.headers.getSetCookie();
  const pair = cookies.map((c) => c.split(';')[0] ?? '').find((p) => p.startsWith('tickline_session='));
  if (!pair) throw new Error(`no session cookie in "${cookies.join(', ')}"`);
  return pair;
}

/** `POST /api/v1/accounts`, then `POST /api/v1/auth/sign-in` as the new user. */
export async function signUpAndIn(base: string, email: string): Promise<TestUser> {
  const signUp = await callJson(base, 'POST', '/api/v1/accounts', {
    body: { email, password: TEST_PASSWORD },
  });
  if (signUp.status !== 201)
    throw new Error(`sign-up answered ${signUp.status}: ${JSON.stringify(signUp.body)}`);
  const signIn = await callJson(base, 'POST', '/api/v1/auth/sign-in', {
    body: { email, password: TEST_PASSWORD },
  });
  if (signIn.status !== 200)
    throw new Error(`sign-in answered ${signIn.status}: ${JSON.stringify(signIn.body)}`);
  return {
    userId: signUp.body.user.id,
    email,
    accessToken: signIn.body.tokens.accessToken,
    cookie: sessionCookieOf(signIn),
    signUp,
  };
}

/** Signs in as the initial admin, whose credentials the first start wrote under `dataDir`. */
export async function initialAdminToken(base: string, dataDir: string): Promise<string> {
  const text = readFileSync(join(dataDir, 'secrets', INITIAL_ADMIN_FILE), 'utf8');
  const [, email] = /email: (\S+)/.exec(text)!;
  const [, password] = /password: (\S+)/.exec(text)!;
  const signIn = await callJson(base, 'POST', '/api/v1/auth/sign-in', { body: { email, password } });
  if (signIn.status !== 200) throw new Error(`admin sign-in answered ${signIn.status}`);
  return signIn.body.tokens.accessToken as string;
}

/** `POST /api/v1/stream/tickets`. */
export async function streamTicket(base: string, accessToken: string): Promise<string> {
  const response = await callJson(base, 'POST', '/api/v1/stream/tickets', { bearer: accessToken });
  if (response.status !== 201) throw new Error(`ticket answered ${response.status}`);
  return response.body.ticket as string;
}

/** One received stream event. */
export interface ReceivedEvent {
  type: string;
  id: string;
  channel: string;
  data: any;
  /** `performance.now()` at arrival. */
  at: number;
}

/** A stream client with what it got so far. */
export interface StreamClient {
  events: ReceivedEvent[];
  /**
   * The HTTP status of a refused EventSource (200 once one opens), or a WebSocket's refused
   * upgrade status or close code.
   */
  refused: Promise<number | undefined>;
  /** The first event of `type` (waiting for it). */
  next(type: string, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): void;
}

function waitFor(events: ReceivedEvent[]) {
  return async (type: string, timeoutMs = 15_000): Promise<ReceivedEvent> => {
    await until(() => events.some((e) => e.type === type), {
      timeoutMs: timeoutMs,
      what: `a "${type}" event`,
    });
    return events.find((e) => e.type === type)!;
  };
}

/**
 * A real EventSource on `base/api/v1/stream`: with `ticket` in the URL, or sending `cookie`.
 * `types` are the named events to record (SSE only dispatches names it was told about).
 * EventSource reconnects by itself after a network error, with the same URL; an answer other
 * than 200 (a spent ticket: 401) ends it for good, and `onGiveUp` is told.
 */
export function openEventSource(
  base: string,
  options: {
    channels: string[];
    types: string[];
    ticket?: string;
    cookie?: string;
    lastEventId?: string;
    onGiveUp?: (status: number) => void;
  },
): StreamClient {
  const url = new URL('/api/v1/stream', base);
  url.searchParams.set('channels', options.channels.join(','));
  if (options.ticket) url.searchParams.set('ticket', options.ticket);
  if (options.lastEventId) url.searchParams.set('lastEventId', options.lastEventId);
  const es = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, options.cookie ? { ...init, headers: { ...init.headers, cookie: options.cookie } } : init),
  });
  const events: ReceivedEvent[] = [];
  let refuse: (code: number | undefined) => void = () => {};
  const refused = new Promise<number | undefined>((resolve) => (refuse = resolve));
  for (const type of ['subscribed', ...options.types]) {
    es.addEventListener(type, (message) => {
      const parsed = JSON.parse(message.data) as { channel?: string; data?: unknown };
      events.push({
        type,
        id: message.lastEventId,
        channel: parsed.channel ?? '',
        data: type === 'subscribed' ? parsed : parsed.data,
        at: performance.now(),
      });
    });
  }
  es.addEventListener('open', () => refuse(200));
  es.addEventListener('error', (error) => {
    const code = (error as { code?: number }).code;
    if (code !== undefined) {
      refuse(code);
      es.close();
      options.onGiveUp?.(code);
    }
  });
  return { events, refused, next: waitFor(events), close: () => es.close() };
}

/** A real WebSocket on `base/api/v1/ws`, subscribed to `channels` once open. */
export async function openWebSocket(
  base: string,
  options: { channels: string[]; cookie?: string; ticket?: string; lastEventId?: string },
): Promise<StreamClient> {
  const url = new URL('/api/v1/ws', base.replace(/^http/, 'ws'));
  if (options.ticket) url.searchParams.set('ticket', options.ticket);
  const ws = new WebSocket(url, options.cookie ? { headers: { cookie: options.cookie } } : {});
  const events: ReceivedEvent[] = [];
  const refused = new Promise<number | undefined>((resolve) => {
    ws.on('unexpected-response', (_request, response) => resolve(response.statusCode));
    ws.on('close', (code) => resolve(code));
  });
  ws.on('message', (raw: Buffer) => {
    const message = JSON.parse(raw.toString()) as {
      type: string;
      event?: string;
      id?: string;
      channel?: string;
      data?: unknown;
    };
    const type = message.type === 'event' ? message.event! : message.type;
    events.push({
      type,
      id: message.id ?? '',
      channel: message.channel ?? '',
      data: message.type === 'event' ? message.data : message,
      at: performance.now(),
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(
    JSON.stringify({
      type: 'subscribe',
      channels: options.channels,
      ...(options.lastEventId ? { lastEventId: options.lastEventId } : {}),
    }),
  );
  return { events, refused, next: waitFor(events), close: () => ws.terminate() };
}
