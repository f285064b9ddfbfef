/**
 * @module Time limits on what a client may hold open before it has authenticated: the request
 * head and body, an idle socket, the TLS handshake and a WebSocket upgrade; and an answer to an
 * upgrade no endpoint takes.
 * Node's own defaults let a request whose head never finishes live 60 s plus a 30 s checking
 * interval, a TLS handshake 120 s, and an upgrade to an unknown path forever (once a server has an
 * `upgrade` listener Node leaves such sockets to it) — cheap ways to hold a server's sockets.
 */
import type { IncomingMessage, Server, ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { isUpgradeClaimed } from '@tickline/kernel';
import { ServerErrorCodes } from '../../../errors.ts';

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_UPGRADE_TIMEOUT_MS = 10_000;
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Head and body together: a 576 KiB upload chunk needs ≥ 20 KB/s to make it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** No byte either way for this long closes a socket; SSE keep-alives (25 s) are well inside it. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** Node checks head and request deadlines on this period (its default, 30 s, adds to each). */
const MAX_CHECK_INTERVAL_MS = 1_000;

/** Pre-authentication time limits, each in milliseconds. */
export interface PreAuthTimeouts {
  /** From connection (or the previous request) to the end of the request head. @default 10 s */
  headersMs: number;
  /** From an upgrade request to the WebSocket being open (authentication included). @default 10 s */
  upgradeMs: number;
  /** From TCP connect to a finished TLS handshake (HTTPS only). @default 10 s */
  tlsHandshakeMs: number;
  /** From the start of a request to its last body byte (≥ `headersMs`); then 408. @default 30 s */
  requestMs: number;
  /**
   * No byte read or written for this long closes the socket (a client that never reads its
   * answer, a parked keep-alive). Open WebSockets are exempt (`ws` clears the timer). @default 120 s
   */
  idleMs: number;
}

export const DEFAULT_PRE_AUTH_TIMEOUTS: PreAuthTimeouts = Object.freeze({
  headersMs: DEFAULT_HEADERS_TIMEOUT_MS,
  upgradeMs: DEFAULT_UPGRADE_TIMEOUT_MS,
  tlsHandshakeMs: DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  requestMs: DEFAULT_REQUEST_TIMEOUT_MS,
  idleMs: DEFAULT_IDLE_TIMEOUT_MS,
});

/** The `http.createServer` / `https.createServer` options that carry the limits. */
export function preAuthServerOptions(timeouts: PreAuthTimeouts): Pick<
  ServerOptions,
  'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'
> & {
  handshakeTimeout: number;
} {
  return {
    headersTimeout: timeouts.headersMs,
    // A head that arrived and a body that never does held its socket for ever when this was 0.
    // Node requires requestTimeout ≥ headersTimeout (the config refuses the contrary).
    requestTimeout: Math.max(timeouts.requestMs, timeouts.headersMs),
    connectionsCheckingInterval: Math.max(
      10,
      Math.min(MAX_CHECK_INTERVAL_MS, Math.min(timeouts.headersMs, timeouts.requestMs) / 4),
    ),
    handshakeTimeout: timeouts.tlsHandshakeMs,
  };
}

function destroyOnTimeout(this: Duplex): void {
  this.destroy();
}

/**
 * Arms the upgrade deadline before every endpoint's listener (`ws` clears a socket's timeout once
 * the WebSocket is open) and answers 404 after them to an upgrade none claimed. Call once every
 * endpoint has attached (Fastify's `onReady`).
 */
export function guardUpgrades(server: Server, timeouts: Pick<PreAuthTimeouts, 'upgradeMs'>): void {
  const armDeadline = (_request: IncomingMessage, socket: Duplex): void => {
    const raw = socket as Duplex & { setTimeout?: (ms: number) => void };
    // One shared listener, added with `on`: `ws` clears the timer on open but not the listener,
    // which stays for the connection's life (`setTimeout(ms, fn)` adds it with `once`: a closure).
    socket.on('timeout', destroyOnTimeout);
    raw.setTimeout?.(timeouts.upgradeMs);
  };
  const answerUnclaimed = (request: IncomingMessage, socket: Duplex): void => {
    if (isUpgradeClaimed(request) || socket.destroyed) return;
    const code = 'HTTP_NOT_FOUND';
    const body = JSON.stringify({ error: { code, message: 'no WebSocket endpoint at this path' } });
    socket.on('error', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${ServerErrorCodes[code].httpStatus} Not Found\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };
  server.prependListener('upgrade', armDeadline);
  server.on('upgrade', answerUnclaimed);
}
