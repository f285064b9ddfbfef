/**
 * @module API key format: `tkl_live_<12 public chars>_<40 secret chars>` (base62). The part before
 * the last underscore is the public prefix, stored in clear and unique, used to find the row; the
 * whole key is stored only as SHA-256 (~238 bits of secret, so no slow hash is needed).
 */
import { randomString, sha256Hex } from '../tokens/secrets.ts';

export const API_KEY_PREFIX = 'tkl_live_';
const PUBLIC_ID_CHARS = 12;
const SECRET_CHARS = 40;
const KEY_PATTERN = new RegExp(
  `^(${API_KEY_PREFIX}[0-9A-Za-z]{${PUBLIC_ID_CHARS}})_[0-9A-Za-z]{${SECRET_CHARS}}$`,
);

/** A new key: the full secret (shown once) and what is stored. */
export interface GeneratedApiKey {
  key: string;
  prefix: string;
  keyHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = `${API_KEY_PREFIX}${randomString(PUBLIC_ID_CHARS)}`;
  const key = `${prefix}_${randomString(SECRET_CHARS)}`;
  return { key, prefix, keyHash: sha256Hex(key) };
}

/** True when the string has the shape of an API key (so a bearer value is not tried as a JWT). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

/** The public prefix of a well-formed key, or undefined. */
export function apiKeyPrefixOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}
