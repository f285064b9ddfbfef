/** @module The rows identity stores, as plain objects shared by every repository adapter. */
import type { Role, Tier, UserStatus } from '../users/user.ts';

export type { UserRecord } from '../users/user.ts';

/** A pending email verification link; only the SHA-256 of its token is stored. */
export interface EmailVerificationRecord {
  tokenHash: string;
  userId: string;
  /** The address the link was sent to. */
  email: string;
  createdAt: Date;
  expiresAt: Date;
}

/** How often a user may have their verification link sent again. */
export interface ResendLimits {
  /** Links sent again per UTC day. */
  perDay: number;
  /** The least time between two. */
  minIntervalMs: number;
}

/** Why a resend was refused, and when the limit that refused it lets one through. */
export interface ResendRefusal {
  limit: 'too_soon' | 'per_user_per_day';
  retryAt: Date;
}

/** A sign-in session: one family of rotating refresh tokens. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  /** Absolute end of the session, whatever the rotations. */
  expiresAt: Date;
  revokedAt: Date | null;
  /** `sign_out`, `sign_out_everywhere`, `reuse_detected`, `password_changed`, `disabled`. */
  revokeReason: string | null;
  /** Where it was signed in from (null on sessions from before the columns existed). */
  origin?: SignInOrigin | null;
}

/** The device (a user agent summary) and client address a session was started from. */
export interface SignInOrigin {
  device: string;
  /** As the server sees it, through the trusted proxies; null when unknown. */
  address: string | null;
}

/** What an account's sessions say of an origin, for the new-sign-in notice. */
export interface OriginHistory {
  /** A stored session of the account was started from this device and address. */
  seen: boolean;
  /** The account has stored sessions. */
  sessions: boolean;
  /** Some of them recorded where they came from (false: all predate the origin columns). */
  recorded: boolean;
}

/** One refresh token of a session; only its SHA-256 is stored. */
export interface RefreshTokenRecord {
  id: string;
  sessionId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set when exchanged for the next token; presenting it again is reuse. */
  usedAt: Date | null;
}

/** An API key; only its SHA-256 is stored, `prefix` is public and unique. */
export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A TOTP factor; pending until `enabledAt` is set. */
export interface TotpRecord {
  userId: string;
  /** The base32 secret, encrypted (see `totp/secret-box.ts`). */
  secretCipher: string;
  createdAt: Date;
  enabledAt: Date | null;
  /** The last accepted time step: codes at or before it are refused (replay). */
  lastTimeStep: number | null;
}

/** An OIDC sign-in in flight, kept server-side until the callback or expiry. */
export interface OidcStateRecord {
  state: string;
  providerId: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** A user's account at an OIDC provider, keyed by issuer and subject. */
export interface OidcIdentityRecord {
  issuer: string;
  subject: string;
  userId: string;
  email: string | null;
  createdAt: Date;
}

/** Fields an admin or the user may change. */
export interface UserPatch {
  role?: Role;
  tier?: Tier;
  status?: UserStatus;
  passwordHash?: string;
  displayName?: string | null;
}

/** A page of users, ordered by id (UUIDv7: creation order). */
export interface ListUsersQuery {
  limit: number;
  /** Return users with an id greater than this. */
  after?: string;
  role?: Role;
  tier?: Tier;
  /** Normalised email prefix. */
  emailPrefix?: string;
}
