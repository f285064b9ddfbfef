/**
 * @module KIS REST access: a bearer token from `POST /oauth2/tokenP` (24 h, kept until an hour
 * before it ends; KIS issues at most one a minute per app key, so it is asked for once and
 * shared), and on every request the `authorization`, `appkey`, `appsecret`, `custtype` headers and
 * the `tr_id` the path requires. An answer saying the token expired (`EGW00123`) drops it; the
 * caller's retry then asks for a new one.
 */
import { KIS_TOKEN_PATH, KIS_TR_IDS } from './config.ts';

/** Options for {@link createKisFetch}. */
export interface KisFetchOptions {
  appKey: string;
  appSecret: string;
  /** The REST base URL the token is asked of. */
  restUrl: string;
  /** @default 'P' */
  custType?: 'P' | 'B';
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default Date.now */
  now?: () => number;
}

/** A token is renewed this long before KIS says it ends. */
const TOKEN_MARGIN_MS = 3_600_000;

/** A `fetch` that authenticates to the KIS REST API. */
export function createKisFetch(options: KisFetchOptions): typeof fetch {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const base = options.restUrl.replace(/\/+$/, '');
  let token: { value: string; renewAt: number } | null = null;

  async function accessToken(signal: AbortSignal | undefined): Promise<string> {
    if (token && now() < token.renewAt) return token.value;
    const response = await fetchImpl(`${base}${KIS_TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        appkey: options.appKey,
        appsecret: options.appSecret,
      }),
      ...(signal ? { signal } : {}),
    });
    const answer = (await response.json().catch(() => null)) as {
      access_token?: unknown;
      expires_in?: unknown;
      error_description?: string;
    } | null;
    if (!response.ok || typeof answer?.access_token !== 'string')
      throw new Error(
        `KIS token refused (${response.status}): ${answer?.error_description ?? 'no access_token'}`,
      );
    const lifetimeMs = (typeof answer.expires_in === 'number' ? answer.expires_in : 86_400) * 1000;
    token = { value: answer.access_token, renewAt: now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return token.value;
  }

  return async function kisFetch(input, init = {}) {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init.headers);
    headers.set('content-type', 'application/json; charset=utf-8');
    headers.set('authorization', `Bearer ${await accessToken(init.signal ?? undefined)}`);
    headers.set('appkey', options.appKey);
    headers.set('appsecret', options.appSecret);
    headers.set('custtype', options.custType ?? 'P');
    const trId = KIS_TR_IDS[url.pathname];
    if (trId) headers.set('tr_id', trId);
    const response = await fetchImpl(input, { ...init, headers });
    if (!response.ok) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as { msg_cd?: unknown } | null;
      if (body?.msg_cd === 'EGW00123') token = null;
    }
    return response;
  };
}
