/** @module How one OpenID Connect provider is configured. */

/** One provider, found by discovery from its issuer URL (or GitHub, which has no OIDC). */
export interface OidcProviderOptions {
  /**
   * `oidc`: OpenID Connect with discovery. `github`: GitHub's OAuth 2.0 flow with `/user` and
   * `/user/emails` (the issuer is then only a name for linked identities). @default 'oidc'
   */
  kind?: 'oidc' | 'github';
  /** GitHub's endpoints, replaced (tests, GitHub Enterprise). @default GitHub's */
  endpoints?: { authorize?: string; token?: string; api?: string };
  /** Path-safe id used in routes: `google`, `corp-sso`. */
  id: string;
  /** Shown on the sign-in page. @default id */
  name?: string;
  /** Issuer identifier; `<issuer>/.well-known/openid-configuration` must answer. */
  issuer: string;
  clientId: string;
  /** Confidential clients authenticate with it (client_secret_basic); public clients omit it. */
  clientSecret?: string;
  /** This server's callback URL as registered at the provider. */
  redirectUri: string;
  /** @default 'openid email profile' */
  scope?: string;
  /**
   * Allow plain-HTTP issuer URLs. For tests and local development only: in production tokens
   * and codes would cross the network in clear.
   * @default false
   */
  allowInsecureRequests?: boolean;
  /** Seconds before a provider HTTP request is abandoned. @default 10 */
  timeoutSeconds?: number;
}
