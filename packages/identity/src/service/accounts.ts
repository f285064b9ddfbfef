/**
 * @module Accounts: sign-up, password sign-in (throttled, timing-equalised for unknown emails),
 * the MFA step, password change, and admin-created accounts. Sign-up stores the user, then
 * publishes `account.created` (fire-and-forget: the response never waits for consumers).
 */
import { uuidv7 } from '@tickline/kernel';
import { IdentityError, isTooManyAttemptsError } from '../errors.ts';
import { AccountCreated, SignUpMethod } from '../events.ts';
import {
  ChangePasswordInputSchema,
  CompleteMfaInputSchema,
  SignInInputSchema,
  SignUpInputSchema,
  type ChangePasswordInput,
  type CompleteMfaInput,
  type SignInInput,
  type SignUpInput,
} from '../schemas/auth-schemas.ts';
import { parseInput } from '../schemas/parse-input.ts';
import { accountKeys, codeThrottleKeys, throttleKeys } from '../throttle/sign-in-throttle.ts';
import { assertPasswordAllowed } from '../users/password-policy.ts';
import type { SignedIn, SignInResult } from '@tickline/protocol';
import { toPublicUser, type PublicUser, type Role, type UserRecord } from '../users/user.ts';
import type { IdentityContext } from './identity-context.ts';
import type { SecondFactor } from './second-factor.ts';
import type { EmailVerification } from './email-verification.ts';
import { throttledAttempt } from './throttled-attempt.ts';
import { RevokeReason, type Sessions, type TokenPair } from './sessions.ts';
import { announceNewSignIn, isNewOrigin, signInOrigin, type RequestOrigin } from '../sign-ins/new-sign-in.ts';

export type { RequestOrigin } from '../sign-ins/new-sign-in.ts';

/**
 * A sign-in's answer and the device token the client keeps for the next one (the HTTP route sets
 * it as a cookie and answers the rest).
 */
export type WithDevice<T> = T & { deviceToken?: string };

/** The answers of a sign-in (the wire shapes are @tickline/protocol's). */
export type { SignedIn, MfaRequired, SignInResult } from '@tickline/protocol';

export function createAccounts(
  ctx: IdentityContext,
  sessions: Sessions,
  secondFactor: SecondFactor,
  verification: EmailVerification,
) {
  const { repo, options } = ctx;

  async function createUser(fields: Pick<UserRecord, 'email' | 'displayName' | 'passwordHash' | 'role'>) {
    const now = ctx.now();
    const user: UserRecord = {
      id: uuidv7(now.getTime()),
      ...fields,
      tier: options.defaultTier,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    return user;
  }

  function announce(user: UserRecord, method: SignUpMethod, issuer?: string): void {
    ctx.metrics.signUps.inc({ method });
    const data = {
      userId: user.id,
      email: user.email,
      role: user.role,
      tier: user.tier,
      method,
      emailVerified: user.emailVerifiedAt != null,
    };
    options.publish?.(
      ctx.events.create(AccountCreated, { subject: user.id, data: issuer ? { ...data, issuer } : data }),
    );
  }

  /**
   * A session for `user`, remembering `from`. `signingIn`: the user proved who they are (not a
   * sign-up), so a device and address new to the account are announced.
   */
  async function signedIn(user: UserRecord, from: RequestOrigin = {}, signingIn = true): Promise<SignedIn> {
    const origin = signInOrigin(from);
    const fresh = signingIn && isNewOrigin(await repo.originHistory(user.id, origin));
    const tokens = await sessions.start(user, origin);
    if (fresh) announceNewSignIn(ctx, user.id, origin);
    return { status: 'signed_in', user: toPublicUser(user, await secondFactor.isEnabled(user.id)), tokens };
  }

  /** After the first factor: a challenge when two-factor is on, else a session. */
  async function finishSignIn(
    user: UserRecord,
    method: string,
    from: RequestOrigin = {},
    signingIn = true,
  ): Promise<SignInResult> {
    if (user.status !== 'active') {
      ctx.metrics.signIns.inc({ method, outcome: 'disabled' });
      throw new IdentityError('AUTH_ACCOUNT_DISABLED', 'account disabled');
    }
    if (await secondFactor.isEnabled(user.id)) {
      ctx.metrics.signIns.inc({ method, outcome: 'mfa_required' });
      const challenge = await ctx.jwt.signMfa(user.id);
      return {
        status: 'mfa_required',
        mfaToken: challenge.token,
        mfaTokenExpiresAt: challenge.expiresAt.toISOString(),
      };
    }
    ctx.metrics.signIns.inc({ method, outcome: 'success' });
    return signedIn(user, from, signingIn);
  }

  async function newPasswordHash(password: string, email: string): Promise<string> {
    assertPasswordAllowed(password, email);
    return options.passwordHasher.hash(password);
  }

  return {
    announce,
    finishSignIn,
    signedIn,
    createUser,

    signUp: async (input: SignUpInput, origin: RequestOrigin = {}): Promise<SignedIn> => {
      const { email, password, displayName } = parseInput(SignUpInputSchema, input);
      const passwordHash = await newPasswordHash(password, email);
      const user = await createUser({ email, displayName: displayName ?? null, passwordHash, role: 'user' });
      await repo.insertUser(user);
      announce(user, SignUpMethod.Password);
      await verification.send(user);
      return signedIn(user, origin, false);
    },

    signIn: async (input: SignInInput, origin: RequestOrigin = {}): Promise<WithDevice<SignInResult>> => {
      const { email, password } = parseInput(SignInInputSchema, input);
      const user = await repo.findUserByEmail(email);
      const device = user ? ctx.deviceTokens.verify(origin.deviceToken, user.id) : undefined;
      const keys = throttleKeys(options.throttleLimits, email, origin.address, device);
      let ok = false;
      try {
        ok = await throttledAttempt(ctx, keys, async () => {
          if (user?.passwordHash) return options.passwordHasher.verify(user.passwordHash, password);
          // Same cost as a real check, so response time does not reveal which emails exist.
          await options.passwordHasher.verify(await ctx.dummyHash(), password);
          return false;
        });
      } catch (error) {
        if (isTooManyAttemptsError(error))
          ctx.metrics.signIns.inc({ method: 'password', outcome: 'throttled' });
        throw error;
      }
      if (!user || !ok) {
        ctx.metrics.signIns.inc({ method: 'password', outcome: 'invalid_credentials' });
        throw new IdentityError('AUTH_INVALID_CREDENTIALS', 'email or password is wrong');
      }
      const result = await finishSignIn(user, 'password', origin);
      // Signed in: the account's counts start over (a pending MFA step keeps them, codes count there).
      if (result.status !== 'signed_in') return result;
      await options.throttle.forgive([], accountKeys(keys));
      return { ...result, deviceToken: ctx.deviceTokens.issue(user.id, device) };
    },

    completeMfa: async (
      input: CompleteMfaInput,
      origin: RequestOrigin = {},
    ): Promise<WithDevice<SignedIn>> => {
      const { mfaToken, code } = parseInput(CompleteMfaInputSchema, input);
      const userId = await ctx.jwt.verifyMfa(mfaToken);
      const user = await repo.findUserById(userId);
      if (!user) throw new IdentityError('AUTH_INVALID_CREDENTIALS', 'account not found');
      // Code guesses count against the account wherever they come from (see codeThrottleKeys).
      const keys = codeThrottleKeys(options.throttleLimits, user.email, origin.address);
      if (!(await throttledAttempt(ctx, keys, () => secondFactor.verify(user.id, code)))) {
        ctx.metrics.signIns.inc({ method: 'mfa', outcome: 'invalid_code' });
        throw new IdentityError('AUTH_MFA_CODE_INVALID', 'two-factor code invalid');
      }
      if (user.status !== 'active') throw new IdentityError('AUTH_ACCOUNT_DISABLED', 'account disabled');
      await options.throttle.forgive([], accountKeys(keys));
      ctx.metrics.signIns.inc({ method: 'mfa', outcome: 'success' });
      const device = ctx.deviceTokens.verify(origin.deviceToken, user.id);
      return { ...(await signedIn(user, origin)), deviceToken: ctx.deviceTokens.issue(user.id, device) };
    },

    /** Changes the password, ends every session and starts a new one. */
    changePassword: async (
      userId: string,
      input: ChangePasswordInput,
      origin: RequestOrigin = {},
    ): Promise<TokenPair> => {
      const { currentPassword, newPassword } = parseInput(ChangePasswordInputSchema, input);
      const user = await repo.findUserById(userId);
      if (!user) throw new IdentityError('IDENTITY_USER_NOT_FOUND', 'user not found');
      if (!user.passwordHash) throw new IdentityError('IDENTITY_PASSWORD_NOT_SET', 'account has no password');
      const keys = throttleKeys(options.throttleLimits, user.email, origin.address);
      const hash = user.passwordHash;
      if (!(await throttledAttempt(ctx, keys, () => options.passwordHasher.verify(hash, currentPassword)))) {
        throw new IdentityError('AUTH_INVALID_CREDENTIALS', 'current password is wrong');
      }
      const passwordHash = await newPasswordHash(newPassword, user.email);
      const updated = await repo.updateUser(userId, { passwordHash }, ctx.now());
      if (!updated || updated === 'last_admin')
        throw new IdentityError('IDENTITY_USER_NOT_FOUND', 'user not found');
      await sessions.signOutEverywhere(userId, RevokeReason.PasswordChanged);
      return sessions.start(updated, signInOrigin(origin));
    },

    getUser: async (userId: string): Promise<PublicUser> => {
      const user = await repo.findUserById(userId);
      if (!user) throw new IdentityError('IDENTITY_USER_NOT_FOUND', 'user not found');
      return toPublicUser(user, await secondFactor.isEnabled(user.id));
    },

    /** Creates an account directly (first-run admin, admin tooling); publishes `account.created`. */
    createAccount: async (
      input: SignUpInput,
      role: Role,
      created: CreateAccountOptions = {},
    ): Promise<PublicUser> => {
      const { email, password, displayName } = parseInput(SignUpInputSchema, input);
      const passwordHash = await newPasswordHash(password, email);
      const user: UserRecord = {
        ...(await createUser({ email, displayName: displayName ?? null, passwordHash, role })),
        ...(created.emailVerified ? { emailVerifiedAt: ctx.now() } : {}),
      };
      await repo.insertUser(user);
      announce(user, SignUpMethod.Admin);
      return toPublicUser(user, false);
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;

/** How an account made by the server (not by a person signing up) starts. */
export interface CreateAccountOptions {
  /**
   * The address came from the operator (the first-run admin's `auth.initialAdminEmail`), not from
   * whoever signs up: it needs no link. @default false
   */
  emailVerified?: boolean;
}
