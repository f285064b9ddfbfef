/**
 * @module Redaction of secrets in config before it is printed or logged: values of secret-named
 * keys (passwords, tokens, keys) and credentials inside URLs (`nats://u:p@h` → `nats://u:***@h`).
 */

/** What a secret is replaced with. */
export const REDACTED = '***';

// Compared against the key lower-cased with separators removed (`apiKey`, `api_key`, `API-KEY`),
// singular or plural (`webhookSecrets`).
const SECRET_KEY_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'pass',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  // strategy.codeKeys: the keys that seal users' code at rest.
  'codekey',
];

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*)(?::([^\s/?#@]*))?@/gi;
const SECRET_QUERY =
  /([?&;](?:password|pass|passwd|token|access_token|secret|api[_-]?key|key|sig|signature)=)[^&#;\s]*/gi;

/** True when a value under `key` must never be shown. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const singular = normalized.endsWith('s') ? normalized.slice(0, -1) : normalized;
  return [normalized, singular].some(
    (name) => name === 'key' || SECRET_KEY_SUFFIXES.some((suffix) => name.endsWith(suffix)),
  );
}

/**
 * Hides credentials inside URLs in `text`: the password of `user:password@`, a lone user part
 * (NATS and Redis take a token there) and secret query parameters.
 */
export function redactUrlCredentials(text: string): string {
  return text
    .replace(URL_USERINFO, (_match, scheme: string, user: string, password: string | undefined) =>
      password === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    )
    .replace(SECRET_QUERY, `$1${REDACTED}`);
}

/** A deep copy of `value` with secrets replaced by {@link REDACTED}. Unset secrets stay unset. */
export function redactSecrets<T>(value: T): T {
  return redactNode(value, false) as T;
}

function redactNode(value: unknown, secret: boolean): unknown {
  if (value === undefined || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactNode(item, secret));
  if (typeof value === 'object') {
    if (secret) return REDACTED;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = redactNode(child, isSecretKey(key));
    return out;
  }
  if (secret) return value === '' ? value : REDACTED;
  return typeof value === 'string' ? redactUrlCredentials(value) : value;
}
