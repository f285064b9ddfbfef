/**
 * @module Email verification: a password sign-up gets a single-use link (`/verify-email?token=…`,
 * valid a day) that proves the user controls the address. The link goes out as the event
 * `account.email.verification.requested`, which the notifications service emails; where no mail
 * is configured (the embedded default) the host prints it to the log instead. Only the token's
 * SHA-256 is stored; using a link spends it.
 */
import { EventType } from '@tickline/protocol';
import { IdentityError } from '../errors.ts';
import { EmailVerificationRequested } from '../events.ts';
import { VerifyEmailInputSchema, type VerifyEmailInput } from '../schemas/auth-schemas.ts';
import { parseInput } from '../schemas/parse-input.ts';
import { randomToken, sha256Hex } from '../tokens/secrets.ts';
import type { UserRecord } from '../users/user.ts';
import type { IdentityContext } from './identity-context.ts';

/** The dashboard page that takes the token. */
export const VERIFY_EMAIL_PATH = '/verify-email';

export function createEmailVerification(ctx: IdentityContext) {
  const { repo, options } = ctx;

  /** Stores a new link for the user's current email and sends it (event, and the log hook). */
  async function send(user: UserRecord): Promise<void> {
    const token = randomToken(32);
    const now = ctx.now();
    const expiresAt = new Date(now.getTime() + options.emailVerificationTtlMs);
    await repo.saveEmailVerification({
      tokenHash: sha256Hex(token),
      userId: user.id,
      email: user.email,
      createdAt: now,
      expiresAt,
    });
    const path = `${VERIFY_EMAIL_PATH}?token=${token}`;
    options.publish?.(
      ctx.events.create(EmailVerificationRequested, {
        subject: user.id,
        data: { userId: user.id, email: user.email, url: path, expiresAt: expiresAt.toISOString() },
      }),
    );
    options.onEmailVerificationLink?.({ userId: user.id, email: user.email, path });
  }

  return {
    send,

    /** Sends a fresh link unless the email is verified already. */
    async resend(userId: string): Promise<void> {
      const user = await repo.findUserById(userId);
      if (!user) throw new IdentityError('IDENTITY_USER_NOT_FOUND', 'user not found');
      if (user.emailVerifiedAt) return;
      await send(user);
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
      return user;
    },
  };
}

export type EmailVerification = ReturnType<typeof createEmailVerification>;
/** The event type, for consumers that match by string. */
export const EMAIL_VERIFICATION_REQUESTED = EventType.AccountEmailVerificationRequested;
