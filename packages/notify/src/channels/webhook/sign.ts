/**
 * @module Standard Webhooks signing (symmetric scheme, v1): HMAC-SHA256 over
 * `{webhook-id}.{webhook-timestamp}.{body}` with the base64 key after `whsec_`, sent as
 * `v1,<base64 signature>`; during a secret rotation one signature per live secret, space-separated.
 */
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** The spec asks for 24 to 64 random bytes; 32 matches the HMAC-SHA256 block-friendly key size. */
export const SECRET_BYTES = 32;

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

// A KeyObject per secret: createHmac with raw bytes prepares a key on every call.
const keyCache = new Map<string, KeyObject>();
function keyOf(secret: string): KeyObject {
  let key = keyCache.get(secret);
  if (!key) {
    key = createSecretKey(
      Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64'),
    );
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/** The `webhook-signature` header value for one message. */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  timestampS: number,
  body: string,
): string {
  const signed = `${id}.${timestampS}.${body}`;
  return secrets.map((s) => `v1,${createHmac('sha256', keyOf(s)).update(signed).digest('base64')}`).join(' ');
}

/** The three Standard Webhooks headers, added to `into` (the request's other headers: no copy). */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  timestampS: number,
  body: string,
  into: Record<string, string> = {},
): Record<string, string> {
  into['webhook-id'] = id;
  into['webhook-timestamp'] = String(timestampS);
  into['webhook-signature'] = signWebhook(secrets, id, timestampS, body);
  return into;
}
