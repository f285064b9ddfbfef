/**
 * @module Identity API shapes as JSON on the wire (dates are ISO strings). Declared here rather than
 * imported so the SDK carries no server code; `wire-types.test.ts` proves they match identity's.
 */

export type Role = 'admin' | 'user';
export type Tier = 'free' | 'premium' | 'enterprise';
export type UserStatus = 'active' | 'disabled';

/** A user as the API shows it. */
export interface PublicUser {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  tier: Tier;
  status: UserStatus;
  mfaEnabled: boolean;
  hasPassword: boolean;
  createdAt: string;
}

/** Tokens of a session: a short-lived JWT and an opaque, rotating refresh token. */
export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface SignedIn {
  status: 'signed_in';
  user: PublicUser;
  tokens: TokenPair;
}

/** The password was right; a TOTP or recovery code is needed: call `completeMfa`. */
export interface MfaRequired {
  status: 'mfa_required';
  mfaToken: string;
  mfaTokenExpiresAt: string;
}

export type SignInResult = SignedIn | MfaRequired;

export interface SignUpInput {
  email: string;
  password: string;
  displayName?: string;
}

export interface SignInInput {
  email: string;
  password: string;
}

export interface CompleteMfaInput {
  mfaToken: string;
  /** A 6-digit TOTP code or a recovery code. */
  code: string;
}

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

export interface TotpCodeInput {
  code: string;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  expiresInDays?: number;
}

/** `key` is shown this once; the server keeps only its hash. */
export interface CreatedApiKey {
  apiKey: ApiKeyInfo;
  key: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
