/** @module Errors raised by identity: `AUTH_*` for credentials and tokens, `IDENTITY_*` for accounts. */
import {
  defineErrorCodes,
  errorGuard,
  isTicklineError,
  TicklineError,
  type TicklineErrorOptions,
} from '@tickline/kernel';

export const IdentityErrorCodes = defineErrorCodes({
  AUTH_UNAUTHENTICATED: {
    meaning: 'The request carries no credentials (no bearer token, no API key).',
    resolve: 'Send `Authorization: Bearer <access token or API key>`.',
    httpStatus: 401,
  },
  AUTH_INVALID_CREDENTIALS: {
    meaning: 'The email and password do not match an active account.',
    resolve: 'Check both; after repeated failures sign-in is throttled (AUTH_TOO_MANY_ATTEMPTS).',
    httpStatus: 401,
  },
  AUTH_TOO_MANY_ATTEMPTS: {
    meaning:
      'Too many failed sign-ins for this account or from this address; details.retryAfterSeconds says when to retry.',
    resolve: 'Wait for the Retry-After period; the window slides, so further failures extend it.',
    httpStatus: 429,
  },
  AUTH_TOKEN_MALFORMED: {
    meaning:
      'The bearer token is not a well-formed JWT (not three base64url parts, bad JSON, missing claims).',
    resolve: 'Send the access token exactly as issued.',
    httpStatus: 401,
  },
  AUTH_TOKEN_ALG_NOT_ALLOWED: {
    meaning: 'The token names a signing algorithm the server does not accept (including `none`).',
    resolve: 'Only tokens issued by this server are accepted; sign in again.',
    httpStatus: 401,
  },
  AUTH_TOKEN_SIGNATURE_INVALID: {
    meaning:
      'The token signature does not verify with the server key (forged, altered, or from another key).',
    resolve: 'Sign in again; if it follows a key change, old tokens are expected to fail.',
    httpStatus: 401,
  },
  AUTH_TOKEN_EXPIRED: {
    meaning: 'The token is past its `exp` time.',
    resolve: 'Use the refresh token to get a new access token.',
    httpStatus: 401,
  },
  AUTH_TOKEN_NOT_YET_VALID: {
    meaning: 'The token `nbf` or `iat` is in the future (beyond the allowed clock skew).',
    resolve: 'Check the clocks of the issuer and this server.',
    httpStatus: 401,
  },
  AUTH_TOKEN_ISSUER_INVALID: {
    meaning: 'The token `iss` is not this server.',
    resolve: 'Use a token issued by this deployment.',
    httpStatus: 401,
  },
  AUTH_TOKEN_AUDIENCE_INVALID: {
    meaning: 'The token `aud` is not this API.',
    resolve: 'Use a token issued for this API.',
    httpStatus: 401,
  },
  AUTH_TOKEN_TYPE_INVALID: {
    meaning:
      'A valid token was used for the wrong purpose (an MFA challenge token as an access token, or the reverse).',
    resolve: 'Send the access token for API calls and the MFA token only to the MFA step.',
    httpStatus: 401,
  },
  AUTH_SESSION_REVOKED: {
    meaning:
      "The access token was issued before the account's sessions were revoked (sign-out, sign-out everywhere, a disabled account, a role or tier change, a revoked API key).",
    resolve: 'Refresh the session (a live refresh token gets a current access token) or sign in again.',
    httpStatus: 401,
  },
  AUTH_REFRESH_TOKEN_INVALID: {
    meaning: 'The refresh token is unknown, expired, or its session was signed out.',
    resolve: 'Sign in again.',
    httpStatus: 401,
  },
  AUTH_REFRESH_TOKEN_REUSED: {
    meaning:
      'A refresh token that was already exchanged was presented again after the reuse grace period (`auth.refreshReuseGraceMs`, 10 s: enough for a reload or a second tab racing the first); the whole session was revoked.',
    resolve: 'Sign in again. If the client did not replay it, the token may have been stolen.',
    httpStatus: 401,
  },
  AUTH_API_KEY_INVALID: {
    meaning: 'The API key is unknown, malformed or expired.',
    resolve: 'Check the key; keys are shown once at creation and cannot be recovered.',
    httpStatus: 401,
  },
  AUTH_API_KEY_REVOKED: {
    meaning: 'The API key was revoked.',
    resolve: 'Create a new key.',
    httpStatus: 401,
  },
  AUTH_FORBIDDEN: {
    meaning: 'The caller is authenticated but lacks the role or API key scope this operation needs.',
    resolve: 'details.required names what is missing; ask an admin or use a key with that scope.',
    httpStatus: 403,
  },
  AUTH_ACCOUNT_DISABLED: {
    meaning: 'The account was disabled by an administrator.',
    resolve: 'Contact an administrator.',
    httpStatus: 403,
  },
  AUTH_MFA_CODE_INVALID: {
    meaning: 'The two-factor code (TOTP or recovery code) is wrong, expired or was already used.',
    resolve: 'Enter the current code from the authenticator app, or an unused recovery code.',
    httpStatus: 401,
  },
  AUTH_OIDC_PROVIDER_UNKNOWN: {
    meaning: 'No OpenID Connect provider is configured under that id.',
    resolve: 'List the providers with GET /api/v1/auth/oidc/providers.',
    httpStatus: 404,
  },
  AUTH_OIDC_STATE_INVALID: {
    meaning: 'The OIDC callback has no, an unknown, an expired or an already used `state`.',
    resolve: 'Start the sign-in again; each attempt is valid once and for a few minutes.',
    httpStatus: 400,
  },
  AUTH_OIDC_FAILED: {
    meaning: 'The OIDC provider response did not verify (error returned, bad code, ID token, nonce or PKCE).',
    resolve: 'Start the sign-in again; details.reason says what failed.',
    httpStatus: 401,
  },
  AUTH_OIDC_PROVIDER_UNAVAILABLE: {
    meaning: 'The OIDC provider could not be reached (discovery or token request failed).',
    resolve: 'Retry later; check the provider issuer URL in the configuration.',
    httpStatus: 502,
  },
  IDENTITY_INVALID_INPUT: {
    meaning:
      'The input failed validation (wrong type, unknown field, too long); details.issues lists each field.',
    resolve: 'Fix the named fields.',
    httpStatus: 400,
  },
  AUTH_EMAIL_VERIFICATION_INVALID: {
    meaning:
      'The email verification link is unknown, was already used, has expired, or was sent to an address the account no longer has.',
    resolve: 'Sign in and ask for a new link (POST /api/v1/me/email/verification).',
    httpStatus: 400,
  },
  IDENTITY_EMAIL_ALREADY_VERIFIED: {
    meaning: "The user's email is verified already: there is no link to hand over.",
    resolve: 'Nothing to do.',
    httpStatus: 409,
  },
  IDENTITY_VERIFICATION_MAILED: {
    meaning:
      'Verification links go out by mail on this install, to the address they prove; an admin reads them only where no mail is configured.',
    resolve: 'Ask the user to open the mail, or to ask for a new one (POST /api/v1/me/email/verification).',
    httpStatus: 409,
  },
  IDENTITY_VERIFICATION_THROTTLED: {
    meaning:
      'The verification link was asked for again too often: details.limit says which limit (too_soon: links are spaced, a minute by default; per_user_per_day: 5 a UTC day by default) and details.retryAfterSeconds when it lets one through. Nothing was sent.',
    resolve: 'Use the link already sent, or wait for the Retry-After period.',
    httpStatus: 429,
  },
  IDENTITY_OIDC_LINK_REQUIRED: {
    meaning:
      'An account with the provider’s email exists, but it cannot be linked automatically: its email is not verified, or the provider does not vouch for the address.',
    resolve:
      'Sign in with your password, verify your email from the link sent to it, then sign in with the provider again.',
    httpStatus: 409,
  },
  IDENTITY_EMAIL_TAKEN: {
    meaning: 'An account with this email already exists.',
    resolve: 'Sign in instead, or use another email.',
    httpStatus: 409,
  },
  IDENTITY_PASSWORD_WEAK: {
    meaning: 'The new password breaks the password policy; details.rule names the rule.',
    resolve: 'Choose a longer password that is not common and does not contain the email.',
    httpStatus: 400,
  },
  IDENTITY_USER_NOT_FOUND: {
    meaning: 'No user with that id.',
    resolve: 'Check the id.',
    httpStatus: 404,
  },
  IDENTITY_LAST_ADMIN: {
    meaning: 'The change would leave no active administrator.',
    resolve: 'Promote another user to admin first.',
    httpStatus: 409,
  },
  IDENTITY_API_KEY_NOT_FOUND: {
    meaning: 'No API key with that id belongs to the caller.',
    resolve: 'List the keys to find the id.',
    httpStatus: 404,
  },
  IDENTITY_QUOTA_EXCEEDED: {
    meaning: "The account's tier allows no more of this resource; details.limit names it.",
    resolve: 'Remove unused ones or move to a higher tier.',
    httpStatus: 403,
  },
  IDENTITY_TOTP_ALREADY_ENABLED: {
    meaning: 'Two-factor authentication is already active for this account.',
    resolve: 'Disable it first to enrol a new authenticator.',
    httpStatus: 409,
  },
  IDENTITY_TOTP_NOT_ENROLLED: {
    meaning: 'There is no pending or active two-factor enrolment for this account.',
    resolve: 'Start with the enrol step.',
    httpStatus: 409,
  },
  IDENTITY_BUSY: {
    meaning:
      'Too many password hashes are running or queued (sign-ups, sign-ins, password changes); the request was shed before any work. details.retryAfterSeconds says when to retry.',
    resolve:
      'Retry after the Retry-After period. If it persists, raise identity password hashing limits or add gateways.',
    httpStatus: 503,
  },
  IDENTITY_PASSWORD_NOT_SET: {
    meaning: 'The account signs in through an OIDC provider and has no password.',
    resolve: 'Sign in with the provider.',
    httpStatus: 409,
  },
});

export type IdentityErrorCode = keyof typeof IdentityErrorCodes;

/** Any identity failure; `code` says which. */
export class IdentityError extends TicklineError {
  override name = 'IdentityError';
  constructor(code: IdentityErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

/** Too many failed attempts; carries the wait so the gateway can set `Retry-After`. */
export class TooManyAttemptsError extends IdentityError {
  override name = 'TooManyAttemptsError';
  readonly retryAfterSeconds: number;
  constructor(retryAfterMs: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('AUTH_TOO_MANY_ATTEMPTS', `too many failed attempts; retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Password hashing is saturated; carries the wait so the gateway can set `Retry-After`. */
export class IdentityBusyError extends IdentityError {
  override name = 'IdentityBusyError';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('IDENTITY_BUSY', `password hashing is saturated; retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** True for every access/MFA token rejection (`AUTH_TOKEN_*`). */
export function isAuthTokenError(error: unknown): error is TicklineError {
  return isTicklineError(error) && error.code.startsWith('AUTH_TOKEN_');
}
export const isTooManyAttemptsError = errorGuard('AUTH_TOO_MANY_ATTEMPTS');
export const isSessionRevokedError = errorGuard('AUTH_SESSION_REVOKED');
export const isIdentityBusyError = errorGuard('IDENTITY_BUSY');
export const isInvalidCredentialsError = errorGuard('AUTH_INVALID_CREDENTIALS');
export const isRefreshTokenReusedError = errorGuard('AUTH_REFRESH_TOKEN_REUSED');
export const isForbiddenError = errorGuard('AUTH_FORBIDDEN');
export const isIdentityInvalidInputError = errorGuard('IDENTITY_INVALID_INPUT');
export const isEmailTakenError = errorGuard('IDENTITY_EMAIL_TAKEN');
export const isVerificationThrottledError = errorGuard('IDENTITY_VERIFICATION_THROTTLED');
