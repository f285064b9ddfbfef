/**
 * @module One configured OIDC provider through openid-client v6: discovery (cached; retried on
 * the next use after a failure), the authorization URL with PKCE (S256) and nonce, and the code
 * exchange that verifies state, PKCE, the ID token signature, issuer, audience and nonce.
 */
import * as client from 'openid-client';
import { IdentityError } from '../errors.ts';
import type { OidcProviderOptions } from './oidc-provider-options.ts';

export const DEFAULT_OIDC_SCOPE = 'openid email profile';
export const DEFAULT_OIDC_TIMEOUT_SECONDS = 10;

/** The verified identity an ID token asserts. */
export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
}

/** Values created at start and checked at the callback. */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcClient {
  readonly id: string;
  readonly name: string;
  newChecks(): OidcChecks;
  authorizationUrl(checks: OidcChecks): Promise<URL>;
  /** Exchanges the code in the callback query and verifies the ID token. */
  exchange(callbackQuery: URLSearchParams, checks: OidcChecks): Promise<OidcClaims>;
}

function unavailable(provider: string, cause: unknown): IdentityError {
  return new IdentityError('AUTH_OIDC_PROVIDER_UNAVAILABLE', `OIDC provider ${provider} unreachable`, {
    cause,
    details: { provider },
  });
}

// openid-client reports transport failures as fetch errors (TypeError, AbortError/TimeoutError)
// and everything it verified and refused as ResponseBodyError / AuthorizationResponseError / OperationProcessingError.
function isTransportError(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'TypeError' || name === 'AbortError' || name === 'TimeoutError';
}

export function createOidcClient(options: OidcProviderOptions): OidcClient {
  let configuration: Promise<client.Configuration> | undefined;
  const timeout = options.timeoutSeconds ?? DEFAULT_OIDC_TIMEOUT_SECONDS;

  function discover(): Promise<client.Configuration> {
    configuration ??= client
      .discovery(
        new URL(options.issuer),
        options.clientId,
        undefined,
        options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None(),
        { timeout, execute: options.allowInsecureRequests ? [client.allowInsecureRequests] : [] },
      )
      .catch((error: unknown) => {
        configuration = undefined;
        throw unavailable(options.id, error);
      });
    return configuration;
  }

  return {
    id: options.id,
    name: options.name ?? options.id,
    newChecks: () => ({
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    }),
    async authorizationUrl(checks) {
      const config = await discover();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: options.scope ?? DEFAULT_OIDC_SCOPE,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
    },
    async exchange(callbackQuery, checks) {
      const config = await discover();
      // The callback URL is rebuilt from configuration, never from request headers (Host can lie).
      const currentUrl = new URL(options.redirectUri);
      currentUrl.search = callbackQuery.toString();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        if (isTransportError(error)) throw unavailable(options.id, error);
        const reason =
          (error as { error?: string; code?: string }).error ?? (error as { code?: string }).code;
        throw new IdentityError('AUTH_OIDC_FAILED', 'OIDC sign-in did not verify', {
          cause: error,
          details: { provider: options.id, reason: reason ?? 'unknown' },
        });
      }
      const idToken = tokens.claims()!;
      let profile: Record<string, unknown> = idToken;
      // Providers may keep scope claims out of the ID token (OIDC Core §5.4 lets them) and serve
      // them from userinfo; the subject check there ties the answer to the ID token.
      if (typeof idToken.email !== 'string') {
        try {
          profile = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
        } catch (error) {
          if (isTransportError(error)) throw unavailable(options.id, error);
          throw new IdentityError('AUTH_OIDC_FAILED', 'OIDC userinfo did not verify', {
            cause: error,
            details: { provider: options.id, reason: 'userinfo' },
          });
        }
      }
      return {
        issuer: idToken.iss,
        subject: idToken.sub,
        email: typeof profile.email === 'string' ? profile.email : undefined,
        emailVerified: profile.email_verified === true,
        name: typeof profile.name === 'string' ? profile.name : undefined,
      };
    },
  };
}
