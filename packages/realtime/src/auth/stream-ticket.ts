/**
 * @module Stream tickets: short-lived, HMAC-SHA256-signed credentials for `EventSource`, which
 * cannot send an `Authorization` header. The gateway mints one over an authenticated API call; the
 * browser puts it in the stream URL. It carries a purpose, so no other endpoint accepts it, and
 * expires in about a minute, so a URL that leaks into a log is useless soon after.
 *
 * Format: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256("v1." + claims))>`.
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '@tickline/kernel';
import { RealtimeError } from '../errors.ts';

/** How long a ticket is valid. EventSource reconnects reuse the URL, so not much shorter. */
export const DEFAULT_STREAM_TICKET_TTL_MS = 60_000;
/** The only purpose the stream endpoints accept. */
export const STREAM_TICKET_PURPOSE = 'tickline.stream';
/** Shortest secret accepted (RFC 2104: at least the hash output length). */
export const MIN_TICKET_SECRET_BYTES = 32;
const MAX_TICKET_LENGTH = 2048;
const VERSION = 'v1';

/** What a ticket says. */
export interface StreamTicketClaims {
  /** The principal's id. */
  sub: string;
  /** Always {@link STREAM_TICKET_PURPOSE}. */
  pur: string;
  /** Issued / expires, milliseconds since the epoch. */
  iat: number;
  exp: number;
  /** Random ticket id, for audit logs. */
  jti: string;
  /** Small extra facts the gateway needs to build the principal (roles, tier). */
  attrs?: Record<string, string | number | boolean | string[]>;
}

export type StreamTicketVerification =
  | { ok: true; claims: StreamTicketClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'purpose' };

/** Options for {@link createStreamTicketIssuer}. */
export interface StreamTicketOptions {
  /** The signing secret, or a list for rotation: the first signs, any verifies. ≥ 32 bytes each. */
  secret: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** @default 60_000 */
  ttlMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

export interface StreamTicketIssuer {
  issue(subject: string, attrs?: StreamTicketClaims['attrs']): string;
  verify(ticket: string): StreamTicketVerification;
}

/** Creates an issuer/verifier. @throws RealtimeError RT_INVALID_OPTIONS for a short secret or bad TTL. */
export function createStreamTicketIssuer(options: StreamTicketOptions): StreamTicketIssuer {
  const raw = (Array.isArray(options.secret) ? options.secret : [options.secret]).map(
    (s: string | Uint8Array) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s)),
  );
  if (raw.length === 0 || raw.some((s) => s.length < MIN_TICKET_SECRET_BYTES)) {
    throw new RealtimeError(
      'RT_INVALID_OPTIONS',
      `stream ticket secrets must be at least ${MIN_TICKET_SECRET_BYTES} bytes`,
      {
        details: { field: 'secret' },
      },
    );
  }
  const ttlMs = options.ttlMs ?? DEFAULT_STREAM_TICKET_TTL_MS;
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new RealtimeError('RT_INVALID_OPTIONS', 'ttlMs must be a positive integer', {
      details: { field: 'ttlMs', value: ttlMs },
    });
  }
  const clock = options.clock ?? systemClock;
  // One KeyObject per secret: building it from bytes on every HMAC costs more than the HMAC.
  const secrets = raw.map((bytes) => createSecretKey(bytes));
  const sign = (secret: KeyObject, signed: string): Buffer =>
    createHmac('sha256', secret).update(signed).digest();

  return {
    issue(subject, attrs) {
      const now = clock.now();
      const claims: StreamTicketClaims = {
        sub: subject,
        pur: STREAM_TICKET_PURPOSE,
        iat: now,
        exp: now + ttlMs,
        jti: randomBytes(12).toString('base64url'),
        ...(attrs ? { attrs } : {}),
      };
      const signed = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${signed}.${sign(secrets[0]!, signed).toString('base64url')}`;
    },
    verify(ticket) {
      if (ticket.length > MAX_TICKET_LENGTH) return { ok: false, reason: 'malformed' };
      const parts = ticket.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
      const signed = `${parts[0]}.${parts[1]}`;
      const signature = Buffer.from(parts[2]!, 'base64url');
      const valid = secrets.some((secret) => {
        const expected = sign(secret, signed);
        return expected.length === signature.length && timingSafeEqual(expected, signature);
      });
      if (!valid) return { ok: false, reason: 'signature' };
      let claims: StreamTicketClaims;
      try {
        claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as StreamTicketClaims;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number')
        return { ok: false, reason: 'malformed' };
      if (claims.pur !== STREAM_TICKET_PURPOSE) return { ok: false, reason: 'purpose' };
      if (claims.exp <= clock.now()) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}
