/**
 * @module The identity repository port. Each method is one atomic step of a domain rule, so an
 * adapter can make it a single statement or transaction (rotation and replay checks are
 * conditional writes, never read-then-write in the service).
 */
import type {
  ApiKeyRecord,
  EmailVerificationRecord,
  ListUsersQuery,
  OidcIdentityRecord,
  OidcStateRecord,
  RefreshTokenRecord,
  ResendLimits,
  ResendRefusal,
  SessionRecord,
  SignInOrigin,
  OriginHistory,
  TotpRecord,
  UserPatch,
  UserRecord,
} from './records.ts';

export interface UserRepository {
  /** @throws IdentityError IDENTITY_EMAIL_TAKEN when the email exists. */
  insertUser(user: UserRecord): Promise<void>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  /**
   * Applies `patch`. With `keepAnAdmin`, refuses (returns 'last_admin') when the change would
   * leave no active admin. Returns undefined when there is no such user.
   */
  updateUser(
    id: string,
    patch: UserPatch,
    at: Date,
    options?: { keepAnAdmin?: boolean },
  ): Promise<UserRecord | 'last_admin' | undefined>;
  listUsers(query: ListUsersQuery): Promise<UserRecord[]>;
  countActiveAdmins(): Promise<number>;
}

export interface SessionRepository {
  createSession(session: SessionRecord, first: RefreshTokenRecord): Promise<void>;
  findRefreshToken(
    tokenHash: string,
  ): Promise<{ token: RefreshTokenRecord; session: SessionRecord } | undefined>;
  /**
   * Marks `tokenId` used (keeping the first use's time) and stores `next` — only if it was unused,
   * or used at or after `reusableSince` (the reuse grace period). False: it was used before that.
   */
  rotateRefreshToken(
    tokenId: string,
    usedAt: Date,
    next: RefreshTokenRecord,
    reusableSince?: Date,
  ): Promise<boolean>;
  /** False when there is no such session or it was already revoked. */
  revokeSession(sessionId: string, reason: string, at: Date): Promise<boolean>;
  /** Revokes every live session of the user; returns how many. */
  revokeUserSessions(userId: string, reason: string, at: Date): Promise<number>;
  /** Deletes sessions (and their tokens) that expired or were revoked before `before`. */
  deleteEndedSessions(before: Date): Promise<number>;
  /** What the user's stored sessions (live or ended, until purged) say of `origin`. */
  originHistory(userId: string, origin: SignInOrigin): Promise<OriginHistory>;
}

export interface ApiKeyRepository {
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  /**
   * Inserts `key` unless its user has `limit` active keys at `key.createdAt`; false then. Counted
   * and inserted at once (SQL: one statement under a per-user lock), so parallel creations cannot
   * all pass one count.
   */
  insertApiKeyWithinQuota(key: ApiKeyRecord, limit: number): Promise<boolean>;
  findApiKeyByPrefix(prefix: string): Promise<ApiKeyRecord | undefined>;
  findApiKeyById(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(userId: string): Promise<ApiKeyRecord[]>;
  /** Unrevoked keys not yet expired at `now`. */
  countActiveApiKeys(userId: string, now: Date): Promise<number>;
  /** False when the user owns no such key. Revoking twice keeps the first time. */
  revokeApiKey(userId: string, keyId: string, at: Date): Promise<boolean>;
  /** Moves each key's last-used time forward (never back). One call per flush, not per request. */
  recordApiKeyUse(uses: ReadonlyArray<{ id: string; at: Date }>): Promise<void>;
}

export interface TotpRepository {
  findTotp(userId: string): Promise<TotpRecord | undefined>;
  /** Creates or replaces a pending factor. False when an enabled one exists. */
  savePendingTotp(userId: string, secretCipher: string, at: Date): Promise<boolean>;
  /** Enables a pending factor and stores its recovery codes. False when none is pending. */
  activateTotp(userId: string, timeStep: number, at: Date, recoveryCodeHashes: string[]): Promise<boolean>;
  /** Records an accepted code's time step, only if later than the last one. False: replay. */
  advanceTotpTimeStep(userId: string, timeStep: number): Promise<boolean>;
  /** Marks an unused recovery code used. False when there is no such unused code. */
  consumeRecoveryCode(userId: string, codeHash: string, at: Date): Promise<boolean>;
  replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<void>;
  countUnusedRecoveryCodes(userId: string): Promise<number>;
  /** Removes the factor and its recovery codes. */
  deleteTotp(userId: string): Promise<void>;
}

export interface OidcRepository {
  saveOidcState(state: OidcStateRecord): Promise<void>;
  /** Deletes and returns the state if it exists and has not expired at `now` (single use). */
  takeOidcState(state: string, now: Date): Promise<OidcStateRecord | undefined>;
  /** Deletes sign-in states that expired at `now` (abandoned sign-ins); returns how many. */
  deleteExpiredOidcStates(now: Date): Promise<number>;
  findOidcIdentity(issuer: string, subject: string): Promise<OidcIdentityRecord | undefined>;
  linkOidcIdentity(identity: OidcIdentityRecord): Promise<void>;
  /** Inserts the user and the link together. @throws IdentityError IDENTITY_EMAIL_TAKEN. */
  insertUserWithOidcIdentity(user: UserRecord, identity: OidcIdentityRecord): Promise<void>;
}

export interface EmailVerificationRepository {
  saveEmailVerification(record: EmailVerificationRecord): Promise<void>;
  /**
   * Spends the link (deleted whatever the outcome) and marks the user's email verified when the
   * link has not expired at `now` and was sent to the user's current email; returns the user id,
   * else undefined. The user's other pending links go too.
   */
  consumeEmailVerification(tokenHash: string, now: Date): Promise<string | undefined>;
  /**
   * Takes one resend of the user's verification link at `now`: at most `limits.perDay` a UTC day,
   * `limits.minIntervalMs` apart. Counted and taken at once (SQL: one statement), so requests
   * racing cannot all pass one count. Undefined when taken, else the limit that refused it.
   */
  takeEmailVerificationResend(
    userId: string,
    now: Date,
    limits: ResendLimits,
  ): Promise<ResendRefusal | undefined>;
}

/** Everything identity stores. */
export interface IdentityRepository
  extends
    UserRepository,
    SessionRepository,
    ApiKeyRepository,
    TotpRepository,
    OidcRepository,
    EmailVerificationRepository {}
