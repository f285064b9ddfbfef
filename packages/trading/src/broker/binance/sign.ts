/**
 * @module Request signing for Binance SIGNED endpoints: the signature is the hex HMAC-SHA256 of the
 * exact parameter string sent (query string, then body), keyed with the API secret; the API key
 * travels in the `X-MBX-APIKEY` header. Parameters are percent-encoded before signing, so the
 * signed bytes and the sent bytes are the same.
 */
import { createHmac } from 'node:crypto';

/** Parameter values as Binance takes them (numbers already formatted, see {@link toDecimalString}). */
export type BinanceParams = Record<string, string | number | undefined>;

/** `a=1&b=2` in insertion order, skipping undefined values. */
export function encodeParams(params: BinanceParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) search.append(key, String(value));
  return search.toString();
}

/** The hex HMAC-SHA256 of `payload`. */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** `payload&signature=…`. */
export function signedQuery(secret: string, payload: string): string {
  return `${payload}&signature=${hmacSha256Hex(secret, payload)}`;
}

/**
 * A number as a plain decimal string (`0.00000123`, never `1.23e-6`), which is what the venue
 * parses; up to 8 decimals, Binance's precision for spot quantities and prices.
 */
export function toDecimalString(value: number): string {
  const plain = String(value);
  if (!plain.includes('e')) return plain;
  return value.toFixed(8).replace(/\.?0+$/, '');
}

/**
 * The signature payload of a WebSocket API request: every parameter but `signature`, sorted by
 * name, as `name=value` joined by `&`, values as UTF-8 text (not percent-encoded) — the spot
 * WebSocket API's "SIGNED request example (HMAC)".
 */
export function wsSignaturePayload(params: BinanceParams): string {
  return Object.entries(params)
    .filter(([name, value]) => name !== 'signature' && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${String(value)}`)
    .join('&');
}
