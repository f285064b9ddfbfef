/**
 * @module A small client of a running server's `/api/v1` for CLI commands, so they work while
 * the server holds the data directory: the URL from `--url` or TICKLINE_URL, the credential (an
 * access token or an API key, both sent as Bearer) from `--token` or TICKLINE_TOKEN, else both
 * from what `tickline login` stored (credentials.ts). An API error comes back as a TicklineError
 * with the server's code.
 */
import { TicklineError } from '@tickline/kernel';
import { CliError } from '../cli-errors.ts';
import type { CliIo } from '../io.ts';
import { readCredentials } from './credentials.ts';

export interface ApiOptions {
  url?: string;
  token?: string;
}

export type ApiCall = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<T>;

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

/** A server on this machine at the port `configFile`'s config gives it (the default without one). */
export function localApiUrl(io: CliIo, configFile: string | undefined): string {
  return io.configuredPort ? `http://127.0.0.1:${io.configuredPort(configFile)}` : DEFAULT_API_URL;
}

/** The server and credential a command uses: flags, then the environment, then `tickline login`'s. */
export function resolveApi(io: CliIo, options: ApiOptions): { base: string; token: string | undefined } {
  const stored = readCredentials(io);
  const url = options.url ?? io.env.TICKLINE_URL ?? stored?.url ?? DEFAULT_API_URL;
  // A stored token belongs to its server: it is not sent to another one named by flag or env.
  const storedToken = stored !== undefined && sameServer(stored.url, url) ? stored.token : undefined;
  return {
    base: url.replace(/\/+$/, ''),
    token: options.token ?? io.env.TICKLINE_TOKEN ?? storedToken,
  };
}

const sameServer = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export function apiClient(io: CliIo, options: ApiOptions, fetchFn: typeof fetch = fetch): ApiCall {
  const { base, token } = resolveApi(io, options);
  if (!token) {
    throw new CliError(
      'SERVER_INVALID_ARGUMENT',
      'a credential is needed: tickline login, --token or TICKLINE_TOKEN (an access token or API key)',
    );
  }
  return requester(base, token, fetchFn);
}

/** A client of the public routes (`GET /markets`): the credential is sent when there is one, not required. */
export function publicApiClient(io: CliIo, options: ApiOptions, fetchFn: typeof fetch = fetch): ApiCall {
  const { base, token } = resolveApi(io, options);
  return requester(base, token, fetchFn);
}

function requester(base: string, token: string | undefined, fetchFn: typeof fetch): ApiCall {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetchFn(`${base}/api/v1${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new CliError('SERVER_API_UNREACHABLE', `cannot reach ${base}`, { cause });
    }
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!res.ok) {
      throw new TicklineError(
        json.error?.code ?? 'HTTP_INTERNAL',
        json.error?.message ?? `HTTP ${res.status}`,
      );
    }
    return json as T;
  };
}
