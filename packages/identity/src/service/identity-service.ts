/**
 * @module The identity service: one object over the repository, tokens, throttle and providers.
 * Every method validates its input with the exported zod schemas and fails with a stable code.
 *
 * @example
 * const identity = createIdentityService({ repository, tokens: { issuer, signing }, totp: { encryptionKey } });
 * const { tokens } = await identity.signUp({ email: 'ada@example.com', password: 'correct horse battery' });
 * const principal = await identity.authenticate(`Bearer ${tokens.accessToken}`);
 */
import type {
  ChangePasswordInput,
  CompleteMfaInput,
  RefreshInput,
  SignInInput,
  SignUpInput,
  TotpCodeInput,
  VerifyEmailInput,
} from '../schemas/auth-schemas.ts';
import type { ListUsersQueryInput, UpdateUserInput } from '../schemas/admin-schemas.ts';
import type { CreateApiKeyInput } from '../schemas/api-key-schemas.ts';
import type { OidcStartQuery } from '../schemas/oidc-schemas.ts';
import type { TierLimits } from '../tiers/tiers.ts';
import type { PublicUser, Role, Tier } from '../users/user.ts';
import {
  createAccounts,
  type CreateAccountOptions,
  type RequestOrigin,
  type SignedIn,
  type SignInResult,
  type WithDevice,
} from './accounts.ts';
import { createAdmin, type UserPage } from './admin.ts';
import { createApiKeys, type ApiKeyInfo } from './api-keys.ts';
import { createAuthenticator } from './authenticate.ts';
import { createEmailVerification, type VerificationLink } from './email-verification.ts';
import { createIdentityContext, type IdentityContext } from './identity-context.ts';
import { AccountSecurityChanged, SecurityChange } from '../events.ts';
import { createOidcSignIn, type OidcSignInResult, type OidcStart } from './oidc-sign-in.ts';
import { ACCOUNT_SCOPE, resolveIdentityOptions, type IdentityServiceOptions } from './options.ts';
import { requireAdmin, requireScope, type Principal } from './principal.ts';
import { createSecondFactor, type TotpEnrolment } from './second-factor.ts';
import { createSessions, type TokenPair } from './sessions.ts';

/** Everything identity does; HTTP routes and other packages call this. */
export interface IdentityService {
  /** `origin`: where from, remembered by the session it starts (no new-sign-in notice). */
  signUp(input: SignUpInput, origin?: RequestOrigin): Promise<SignedIn>;
  /** The answer carries, once signed in, the device token for the client's next sign-in. */
  signIn(input: SignInInput, origin?: RequestOrigin): Promise<WithDevice<SignInResult>>;
  completeMfa(input: CompleteMfaInput, origin?: RequestOrigin): Promise<WithDevice<SignedIn>>;
  refresh(input: RefreshInput): Promise<TokenPair>;
  signOut(input: RefreshInput): Promise<void>;
  /** Ends every session of the caller; returns how many were live. */
  signOutEverywhere(principal: Principal): Promise<number>;
  changePassword(
    principal: Principal,
    input: ChangePasswordInput,
    origin?: RequestOrigin,
  ): Promise<TokenPair>;
  getUser(principal: Principal): Promise<PublicUser>;
  /** Spends a verification link; the verified user. @throws AUTH_EMAIL_VERIFICATION_INVALID */
  verifyEmail(input: VerifyEmailInput): Promise<PublicUser>;
  /** Sends the caller a new verification link (nothing when the email is verified). */
  resendEmailVerification(principal: Principal): Promise<void>;
  /**
   * The link of a verification announced by reference (`verificationId` of
   * `account.email.verification.requested`): what the notifications service mails.
   */
  emailVerificationLink(verificationId: string): string;
  /**
   * A fresh verification link for an admin to hand over where no mail goes out; undefined when the
   * user's email is verified already. @throws AUTH_FORBIDDEN, IDENTITY_USER_NOT_FOUND
   */
  issueEmailVerificationLink(actor: Principal, userId: string): Promise<VerificationLink | undefined>;

  /** `Authorization` header (Bearer access token or API key), or an `X-API-Key` value. */
  authenticate(authorization: string | undefined, xApiKey?: string): Promise<Principal>;
  authenticateAccessToken(token: string): Promise<Principal>;
  authenticateApiKey(key: string): Promise<Principal>;

  createApiKey(principal: Principal, input: CreateApiKeyInput): Promise<{ apiKey: ApiKeyInfo; key: string }>;
  listApiKeys(principal: Principal): Promise<ApiKeyInfo[]>;
  revokeApiKey(principal: Principal, keyId: string): Promise<void>;

  enrolTotp(principal: Principal): Promise<TotpEnrolment>;
  activateTotp(principal: Principal, input: TotpCodeInput): Promise<{ recoveryCodes: string[] }>;
  disableTotp(principal: Principal, input: TotpCodeInput): Promise<void>;
  regenerateRecoveryCodes(principal: Principal, input: TotpCodeInput): Promise<{ recoveryCodes: string[] }>;

  listUsers(actor: Principal, query?: ListUsersQueryInput): Promise<UserPage>;
  updateUser(actor: Principal, userId: string, input: UpdateUserInput): Promise<PublicUser>;
  /** Creates an account without signing in (first-run admin). */
  createAccount(input: SignUpInput, role: Role, options?: CreateAccountOptions): Promise<PublicUser>;
  /** True when at least one active admin exists. */
  hasAdmin(): Promise<boolean>;

  oidcProviders(): Array<{ id: string; name: string }>;
  startOidcSignIn(providerId: string, query?: OidcStartQuery): Promise<OidcStart>;
  completeOidcSignIn(
    providerId: string,
    callbackQuery: string | URLSearchParams | Record<string, string>,
    /**
     * The state cookie of the browser calling back (null: none). The HTTP callback always passes
     * it; the flow is then refused unless it equals the callback's state.
     */
    browserState?: string | null,
    origin?: RequestOrigin,
  ): Promise<OidcSignInResult>;

  tierLimits(tier: Tier): TierLimits;
  /**
   * Whether a credential issued under session version `version` still stands (cached ≤ 2 s), and,
   * for one minted with an API key, the key too (unrevoked, unexpired). The gateway's hook for
   * stream tickets (`sv` and `kid` in their attrs) and for open streams.
   */
  isSessionCurrent(userId: string, version: number, apiKeyId?: string): Promise<boolean>;
  /**
   * Deletes sessions (and their refresh tokens) that expired or were revoked more than
   * `retentionMs` ago. Each refresh adds a row, so run this periodically. @default 7 days
   */
  purgeEndedSessions(retentionMs?: number): Promise<number>;
  /** Writes pending API key last-used times now. */
  flush(): Promise<void>;
  /** Stops background work and flushes. */
  close(): Promise<void>;
}

/** `operation` after checking the principal may manage the account (see {@link ACCOUNT_SCOPE}). */
function managing<A extends unknown[], R>(
  operation: (principal: Principal, ...args: A) => Promise<R>,
): (principal: Principal, ...args: A) => Promise<R> {
  return async (principal, ...args) => {
    requireScope(principal, ACCOUNT_SCOPE);
    return operation(principal, ...args);
  };
}

/**
 * `operation`, then `account.security.changed` for the principal's user once it succeeded, so the
 * user hears of a change they did not make. `keyId` names what the operation created.
 */
function announcing<A extends unknown[], R>(
  ctx: IdentityContext,
  change: SecurityChange,
  operation: (principal: Principal, ...args: A) => Promise<R>,
  keyId?: (result: R) => string,
): (principal: Principal, ...args: A) => Promise<R> {
  return async (principal, ...args) => {
    const result = await operation(principal, ...args);
    const data = { userId: principal.userId, change, ...(keyId ? { keyId: keyId(result) } : {}) };
    ctx.options.publish?.(ctx.events.create(AccountSecurityChanged, { subject: principal.userId, data }));
    return result;
  };
}

export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  const ctx = createIdentityContext(resolveIdentityOptions(options));
  const sessions = createSessions(ctx);
  const secondFactor = createSecondFactor(ctx);
  const verification = createEmailVerification(ctx);
  const accounts = createAccounts(ctx, sessions, secondFactor, verification);
  const authenticator = createAuthenticator(ctx);
  const apiKeys = createApiKeys(ctx);
  const admin = createAdmin(ctx);
  const oidc = createOidcSignIn(ctx, accounts);

  return {
    signUp: accounts.signUp,
    signIn: accounts.signIn,
    completeMfa: accounts.completeMfa,
    refresh: sessions.refresh,
    signOut: sessions.signOut,
    signOutEverywhere: managing((principal) => sessions.signOutEverywhere(principal.userId)),
    changePassword: announcing(
      ctx,
      SecurityChange.PasswordChanged,
      managing((principal, input: ChangePasswordInput, origin?: RequestOrigin) =>
        accounts.changePassword(principal.userId, input, origin),
      ),
    ),
    getUser: (principal) => accounts.getUser(principal.userId),
    verifyEmail: async (input) => accounts.getUser((await verification.verify(input)).id),
    resendEmailVerification: managing((principal) => verification.resend(principal.userId)),
    emailVerificationLink: verification.linkOf,
    issueEmailVerificationLink: async (actor, userId) => {
      requireAdmin(actor);
      return verification.issue(userId);
    },

    authenticate: authenticator.headers,
    authenticateAccessToken: authenticator.accessToken,
    authenticateApiKey: authenticator.apiKey,

    createApiKey: announcing(ctx, SecurityChange.ApiKeyCreated, managing(apiKeys.create), (r) => r.apiKey.id),
    listApiKeys: apiKeys.list,
    revokeApiKey: managing(apiKeys.revoke),

    enrolTotp: managing(async (principal) => {
      const user = await accounts.getUser(principal.userId);
      return secondFactor.enrol(principal.userId, user.email);
    }),
    activateTotp: announcing(
      ctx,
      SecurityChange.TwoFactorEnabled,
      managing((principal, input: TotpCodeInput) => secondFactor.activate(principal.userId, input)),
    ),
    disableTotp: announcing(
      ctx,
      SecurityChange.TwoFactorDisabled,
      managing((principal, input: TotpCodeInput) => secondFactor.disable(principal.userId, input)),
    ),
    regenerateRecoveryCodes: managing((principal, input: TotpCodeInput) =>
      secondFactor.regenerateRecoveryCodes(principal.userId, input),
    ),

    listUsers: admin.listUsers,
    updateUser: admin.updateUser,
    createAccount: accounts.createAccount,
    hasAdmin: async () => (await ctx.repo.countActiveAdmins()) > 0,

    oidcProviders: oidc.providers,
    startOidcSignIn: oidc.start,
    completeOidcSignIn: oidc.complete,

    tierLimits: (tier) => ctx.options.tiers[tier],
    isSessionCurrent: async (userId, version, apiKeyId) => {
      if (version < (await ctx.options.sessionVersions.current(userId))) return false;
      if (apiKeyId === undefined) return true;
      const key = await ctx.repo.findApiKeyById(apiKeyId);
      return (
        key !== undefined && key.revokedAt === null && (key.expiresAt === null || key.expiresAt > ctx.now())
      );
    },
    purgeEndedSessions: (retentionMs) => sessions.purgeEnded(retentionMs),
    flush: () => ctx.lastUsed.flush(),
    close: () => ctx.lastUsed.close(),
  };
}
