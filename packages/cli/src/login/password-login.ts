/**
 * @module `tickline login` with an email and password: signs in (`POST /auth/sign-in`, then
 * `/auth/mfa` with a two-factor code when the account asks for one), makes an API key named for
 * this machine with the scopes the account's role allows (a session's access token expires in
 * minutes; a key lasts until revoked in the dashboard), and signs the session out again. The key
 * is what `login` stores. The password is asked for on the terminal, never taken as an argument.
 */
import { hostname } from 'node:os';
import { TicklineError } from '@tickline/kernel';
import { API_KEY_SCOPES, ApiKeyScope } from '@tickline/protocol';
import { badArgument, CliError } from '../cli-errors.ts';
import type { CliIo } from '../io.ts';

interface SignedIn {
  status: 'signed_in';
  user: { email: string; role: string };
  tokens: { accessToken: string; refreshToken: string };
}
type SignInAnswer = SignedIn | { status: 'mfa_required'; mfaToken: string };

export interface PasswordLoginOptions {
  email?: string;
  /** A two-factor code given up front (scripts); else asked for when the account needs one. */
  code?: string;
}

/** The API key made for this login, and who it belongs to. */
export interface PasswordLogin {
  key: string;
  email: string;
  keyName: string;
}

/** POST `path` under `/api/v1` with JSON; a refusal becomes the server's coded error. */
async function post<T>(
  base: string,
  path: string,
  body: unknown,
  token?: string,
  fetchFn = fetch,
): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new CliError('SERVER_API_UNREACHABLE', `cannot reach ${base}`, { cause });
  }
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok)
    throw new TicklineError(json.error?.code ?? 'HTTP_INTERNAL', json.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

/** Asks `question`, or refuses when nobody can answer (no terminal, nothing piped). */
async function ask(io: CliIo, question: string, secret = false): Promise<string> {
  const what = question.replace(/:\s*$/, '');
  if (io.prompt === undefined)
    throw badArgument(`${what} is needed and nobody can be asked here: pass --token (or TICKLINE_TOKEN)`);
  const answer = (await io.prompt(question, { secret })).trim();
  if (answer === '') throw badArgument(`${what} is needed`);
  return answer;
}

/**
 * The two-factor code of an account that asks for one: `given`, else typed at the prompt.
 * SERVER_MFA_CODE_REQUIRED when there is none (nothing passed, nobody to ask, an empty answer).
 */
async function twoFactorCode(io: CliIo, given: string | undefined): Promise<string> {
  const code = given ?? (io.prompt === undefined ? '' : (await io.prompt('Two-factor code: ')).trim());
  if (code === '')
    throw new CliError(
      'SERVER_MFA_CODE_REQUIRED',
      'this account signs in with a two-factor code: pass --code (from your authenticator app, or a recovery code) or type it when asked; no API key was made',
    );
  return code;
}

export async function passwordLogin(
  io: CliIo,
  base: string,
  o: PasswordLoginOptions,
  fetchFn: typeof fetch = fetch,
): Promise<PasswordLogin> {
  const email = o.email ?? (await ask(io, 'Email: '));
  const password = await ask(io, 'Password: ', true);
  let answer = await post<SignInAnswer>(base, '/auth/sign-in', { email, password }, undefined, fetchFn);
  if (answer.status === 'mfa_required') {
    const code = await twoFactorCode(io, o.code);
    answer = await post<SignedIn>(base, '/auth/mfa', { mfaToken: answer.mfaToken, code }, undefined, fetchFn);
  }
  const signedIn = answer;
  // Every scope the role allows: `admin` only for admins (the server refuses it to others).
  const scopes = API_KEY_SCOPES.filter((s) => s !== ApiKeyScope.Admin || signedIn.user.role === 'admin');
  const keyName = `tickline CLI on ${hostname()}`.slice(0, 64);
  const created = await post<{ key: string }>(
    base,
    '/api-keys',
    { name: keyName, scopes },
    signedIn.tokens.accessToken,
    fetchFn,
  );
  // The session did its one job; the key is what stays. A failed sign-out only leaves it to expire.
  await post(
    base,
    '/auth/sign-out',
    { refreshToken: signedIn.tokens.refreshToken },
    undefined,
    fetchFn,
  ).catch(() => undefined);
  return { key: created.key, email: signedIn.user.email, keyName };
}
