/**
 * @module Sign-in with GitHub. GitHub is OAuth 2.0 without OpenID Connect: no discovery, no ID
 * token. The authorization-code flow (with state and PKCE S256) gets an access token; `GET /user`
 * names the account (its numeric id is the stable subject, the login can change) and
 * `GET /user/emails` gives the addresses with their verification, of which the primary one is
 * used only when GitHub verified it. Endpoints are GitHub's unless overridden (tests run a fake).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { IdentityError } from '../errors.ts';
import { randomToken } from '../tokens/secrets.ts';
import type { OidcClaims, OidcClient } from './oidc-client.ts';
import type { OidcProviderOptions } from './oidc-provider-options.ts';

/** GitHub's endpoints. */
export const GITHUB_ENDPOINTS = {
  authorize: 'https://github.com/login/oauth/authorize',
  token: 'https://github.com/login/oauth/access_token',
  api: 'https://api.github.com',
} as const;
/** Stands for GitHub as the `issuer` of linked identities. */
export const GITHUB_ISSUER = 'https://github.com';
/** Read the profile and the email addresses (with their verification), nothing else. */
export const GITHUB_SCOPE = 'read:user user:email';

const TokenAnswer = z.looseObject({
  access_token: z.string().min(1).optional(),
  error: z.string().optional(),
});
const GitHubUser = z.looseObject({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullable().optional(),
});
const GitHubEmails = z.array(
  z.looseObject({ email: z.string(), primary: z.boolean(), verified: z.boolean() }),
);

function failed(provider: string, reason: string, cause?: unknown): IdentityError {
  return new IdentityError('AUTH_OIDC_FAILED', 'GitHub sign-in did not verify', {
    ...(cause === undefined ? {} : { cause }),
    details: { provider, reason },
  });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createGitHubClient(options: OidcProviderOptions): OidcClient {
  const endpoints = { ...GITHUB_ENDPOINTS, ...options.endpoints };
  const timeoutMs = (options.timeoutSeconds ?? 10) * 1000;

  async function call(url: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new IdentityError('AUTH_OIDC_PROVIDER_UNAVAILABLE', `OIDC provider ${options.id} unreachable`, {
        cause: error,
        details: { provider: options.id },
      });
    }
    if (!response.ok) throw failed(options.id, `http_${response.status}`);
    return response.json();
  }

  return {
    id: options.id,
    name: options.name ?? 'GitHub',
    newChecks: () => ({ state: randomToken(24), nonce: '', codeVerifier: randomToken(48) }),
    async authorizationUrl(checks) {
      const url = new URL(endpoints.authorize);
      url.search = new URLSearchParams({
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        scope: options.scope ?? GITHUB_SCOPE,
        state: checks.state,
        code_challenge: createHash('sha256').update(checks.codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
        allow_signup: 'true',
      }).toString();
      return url;
    },
    async exchange(query, checks): Promise<OidcClaims> {
      const error = query.get('error');
      if (error) throw failed(options.id, error);
      if (!sameText(query.get('state') ?? '', checks.state)) throw failed(options.id, 'state_mismatch');
      const code = query.get('code');
      if (!code) throw failed(options.id, 'code_missing');
      const answer = TokenAnswer.safeParse(
        await call(endpoints.token, {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: options.clientId,
            client_secret: options.clientSecret ?? '',
            code,
            redirect_uri: options.redirectUri,
            code_verifier: checks.codeVerifier,
          }),
        }),
      );
      // GitHub answers a bad code with 200 and `error` in the body.
      const token = answer.success ? answer.data.access_token : undefined;
      if (!token) throw failed(options.id, (answer.success && answer.data.error) || 'token_missing');
      const headers = {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
      };
      const user = GitHubUser.safeParse(await call(`${endpoints.api}/user`, { headers }));
      const emails = GitHubEmails.safeParse(await call(`${endpoints.api}/user/emails`, { headers }));
      if (!user.success || !emails.success) throw failed(options.id, 'profile_unreadable');
      const primary = emails.data.find((e) => e.primary && e.verified);
      return {
        issuer: GITHUB_ISSUER,
        subject: String(user.data.id),
        email: primary?.email,
        emailVerified: primary !== undefined,
        name: user.data.name ?? user.data.login,
      };
    },
  };
}
