/**
 * @module Request ids: an incoming `X-Request-Id` is kept when it is safe to log and echo
 * (≤ 128 chars of `[A-Za-z0-9._:-]`); anything else is replaced by a fresh UUIDv7.
 */
import { uuidv7 } from '@tickline/kernel';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id for a request, given its `X-Request-Id` header value(s). */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SAFE_REQUEST_ID.test(value) ? value : uuidv7();
}
