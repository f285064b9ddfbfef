/**
 * @module Email verification: a password sign-up gets a single-use link (`/verify-email?token=…`,
 * valid a day) that proves the user controls the address. The token is never stored nor sent
 * anywhere but in the mail: it is an HMAC of the verification's id under a key only the servers
 * hold, so the event `account.email.verification.requested` carries the id (a reference) and the
 * notifications service, emailing it, asks {@link EmailVerification.linkOf} for the link at send
 * time. Where no mail is configured (the embedded default) nothing is sent: the log names the
 * user, and an admin reads a fresh link through the API. Only the token's SHA-256 is stored; using
 * a link spends it.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { uuidv7 } from '@tickline/kernel';
import { EventType } from '@tickline/protocol';
import { IdentityError } from '../errors.ts';
import { AccountEmailVerified, EmailVerificationRequested } from '../events.ts';
import { VerifyEmailInputSchema, type VerifyEmailInput } from '../schemas/auth-schemas.ts';
import { parseInput } from '../schemas/parse-input.ts';
import { sha256Hex } from '../tokens/secrets.ts';
import type { UserRecord } from '../users/user.ts';
import type { IdentityContext } from './identity-context.ts';

/** The dashboard page that takes the token. */
export const VERIFY_EMAIL_PATH = '/verify-email';

/** A link issued: the dashboard path with its token, and when it stops working. */
export interface VerificationLink {
  path: string;
  expiresAt: string;
}

/** The link key, derived from the key material identity already holds (its own HKDF label). */
function linkKeyOf(secret: string | Uint8Array): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'base64url') : Buffer.from(secret);
  return Buffer.from(hkdfSync('sha256', bytes, 'tickline', 'identity/email-verification-link', 32));
}

export function createEmailVerification(ctx: IdentityContext) {
  const { repo, options } = ctx;
  const key = linkKeyOf(options.totpEncryptionKey);
  const tokenOf = (verificationId: string) =>
    createHmac('sha256', key).update(verificationId).digest('base64url');
  const pathOf = (verificationId: string) => `${VERIFY_EMAIL_PATH}?token=${tokenOf(verificationId)}`;

  /** Stores a new link for the user's current email and announces it by reference. */
  async function send(user: UserRecord): Promise<VerificationLink> {
    const now = ctx.now();
    const verificationId = uuidv7(now.getTime());
    const expiresAt = new Date(now.getTime() + options.emailVerificationTtlMs);
    await repo.saveEmailVerification({
      tokenHash: sha256Hex(tokenOf(verificationId)),
      userId: user.id,
      email: user.email,
      createdAt: now,
      expiresAt,
    });
    options.publish?.(
      ctx.events.create(EmailVerificationRequested, {
        subject: user.id,
        data: { userId: user.id, email: user.email, verificationId, expiresAt: expiresAt.toISOString() },
      }),
    );
    options.onEmailVerificationRequested?.({ userId: user.id, email: user.email });
    return { path: pathOf(verificationId), expiresAt: expiresAt.toISOString() };
  }

  async function unverifiedUser(userId: string): Promise<UserRecord | undefined> {
    const user = await repo.findUserById(userId);
    if (!user) throw new IdentityError('IDENTITY_USER_NOT_FOUND', 'user not found');
    return user.emailVerifiedAt ? undefined : user;
  }

  return {
    send,

    /** The link of a verification announced by reference (what the notifications service mails). */
    linkOf: pathOf,

    /**
     * Sends a fresh link unless the email is verified already, within the resend limits (taken
     * before anything is stored or announced).
     * @throws IdentityError IDENTITY_VERIFICATION_THROTTLED
     */
    async resend(userId: string): Promise<void> {
      const user = await unverifiedUser(userId);
      if (!user) return;
      const now = ctx.now();
      const refused = await repo.takeEmailVerificationResend(user.id, now, options.emailVerificationResend);
      if (refused) {
        const retryAfterSeconds = Math.max(1, Math.ceil((refused.retryAt.getTime() - now.getTime()) / 1000));
        throw new IdentityError(
          'IDENTITY_VERIFICATION_THROTTLED',
          `no new verification link yet (${refused.limit})`,
          {
            details: { limit: refused.limit, retryAfterSeconds, retryAt: refused.retryAt.toISOString() },
          },
        );
      }
      await send(user);
    },

    /**
     * A fresh link for an admin to hand over (installs without mail); undefined when the address
     * is verified already. @throws IdentityError IDENTITY_USER_NOT_FOUND
     */
    async issue(userId: string): Promise<VerificationLink | undefined> {
      const user = await unverifiedUser(userId);
      return user ? send(user) : undefined;
    },

    /** Spends a link. @throws IdentityError AUTH_EMAIL_VERIFICATION_INVALID (unknown, used or expired) */
    async verify(input: VerifyEmailInput): Promise<UserRecord> {
      const { token } = parseInput(VerifyEmailInputSchema, input);
      const userId = await repo.consumeEmailVerification(sha256Hex(token), ctx.now());
      const user = userId === undefined ? undefined : await repo.findUserById(userId);
      if (!user) {
        throw new IdentityError(
          'AUTH_EMAIL_VERIFICATION_INVALID',
          'the verification link is unknown, used or expired; ask for a new one',
        );
      }
      // Mail to the account's address waits for this (notify keeps its own copy of the fact).
      options.publish?.(
        ctx.events.create(AccountEmailVerified, {
          subject: user.id,
          data: { userId: user.id, email: user.email },
        }),
      );
      return user;
    },
  };
}

export type EmailVerification = ReturnType<typeof createEmailVerification>;
/** The event type, for consumers that match by string. */
export const EMAIL_VERIFICATION_REQUESTED = EventType.AccountEmailVerificationRequested;
