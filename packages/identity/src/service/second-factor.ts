/**
 * @module TOTP two-factor: enrol (pending secret + otpauth URI + QR), activate with a first code
 * (which also issues recovery codes), verify at sign-in, disable, and new recovery codes.
 * A code is accepted once: its time step must be later than the last accepted one.
 */
import { IdentityError } from '../errors.ts';
import { TotpCodeInputSchema, type TotpCodeInput } from '../schemas/auth-schemas.ts';
import { parseInput } from '../schemas/parse-input.ts';
import { qrSvg } from '../totp/qr.ts';
import { generateRecoveryCodes, hashRecoveryCode, looksLikeRecoveryCode } from '../totp/recovery-codes.ts';
import type { TotpRecord } from '../repository/records.ts';
import { codeThrottleKeys } from '../throttle/sign-in-throttle.ts';
import type { IdentityContext } from './identity-context.ts';
import type { TotpEnrolment } from '@tickline/protocol';
import { throttledAttempt } from './throttled-attempt.ts';

/** Shown once, at enrolment (the wire shape is @tickline/protocol's). */
export type { TotpEnrolment } from '@tickline/protocol';

function invalidCode(): IdentityError {
  return new IdentityError('AUTH_MFA_CODE_INVALID', 'two-factor code invalid');
}

export function createSecondFactor(ctx: IdentityContext) {
  const { repo } = ctx;
  const open = (record: TotpRecord) => ctx.secretBox.open(record.secretCipher, record.userId);

  /** Checks a 6-digit code against the factor; records its step. */
  async function acceptTotpCode(record: TotpRecord, code: string): Promise<boolean> {
    const step = await ctx.totp.match(open(record), code);
    if (step === undefined) return false;
    if (record.lastTimeStep !== null && step <= record.lastTimeStep) return false;
    return repo.advanceTotpTimeStep(record.userId, step);
  }

  async function requireEnabled(userId: string): Promise<TotpRecord> {
    const record = await repo.findTotp(userId);
    if (!record?.enabledAt)
      throw new IdentityError('IDENTITY_TOTP_NOT_ENROLLED', 'two-factor is not enabled');
    return record;
  }

  /** A TOTP code or an unused recovery code (which is then spent). */
  async function verify(userId: string, code: string): Promise<boolean> {
    const record = await repo.findTotp(userId);
    if (!record?.enabledAt) return false;
    if (looksLikeRecoveryCode(code))
      return repo.consumeRecoveryCode(userId, hashRecoveryCode(code), ctx.now());
    return acceptTotpCode(record, code);
  }

  /**
   * A code check counted on the account's throttle key, the one password and MFA sign-in use:
   * a session holder cannot guess codes faster than a sign-in could.
   */
  async function throttledCode(userId: string, check: () => Promise<boolean>): Promise<boolean> {
    const user = await repo.findUserById(userId);
    if (!user) throw new IdentityError('IDENTITY_USER_NOT_FOUND', 'user not found');
    return throttledAttempt(ctx, codeThrottleKeys(ctx.options.throttleLimits, user.email, undefined), check);
  }

  async function freshRecoveryCodes(userId: string): Promise<string[]> {
    const codes = generateRecoveryCodes();
    await repo.replaceRecoveryCodes(userId, codes.map(hashRecoveryCode));
    return codes;
  }

  return {
    verify,

    isEnabled: async (userId: string): Promise<boolean> => {
      return (await repo.findTotp(userId))?.enabledAt != null;
    },

    enrol: async (userId: string, accountName: string): Promise<TotpEnrolment> => {
      const secret = ctx.totp.newSecret();
      const saved = await repo.savePendingTotp(userId, ctx.secretBox.seal(secret, userId), ctx.now());
      if (!saved) throw new IdentityError('IDENTITY_TOTP_ALREADY_ENABLED', 'two-factor is already enabled');
      const otpauthUri = ctx.totp.uri(secret, accountName);
      return { secret, otpauthUri, qrSvg: qrSvg(otpauthUri) };
    },

    /** Proves the app has the secret; returns the recovery codes (shown once). */
    async activate(userId: string, input: TotpCodeInput): Promise<{ recoveryCodes: string[] }> {
      const { code } = parseInput(TotpCodeInputSchema, input);
      const record = await repo.findTotp(userId);
      if (!record) throw new IdentityError('IDENTITY_TOTP_NOT_ENROLLED', 'enrol first');
      if (record.enabledAt)
        throw new IdentityError('IDENTITY_TOTP_ALREADY_ENABLED', 'two-factor is already enabled');
      let step: number | undefined;
      const matched = await throttledCode(userId, async () => {
        step = await ctx.totp.match(open(record), code);
        return step !== undefined;
      });
      if (!matched || step === undefined) throw invalidCode();
      const recoveryCodes = generateRecoveryCodes();
      const activated = await repo.activateTotp(userId, step, ctx.now(), recoveryCodes.map(hashRecoveryCode));
      if (!activated)
        throw new IdentityError('IDENTITY_TOTP_ALREADY_ENABLED', 'two-factor is already enabled');
      return { recoveryCodes };
    },

    /** Turns two-factor off; needs a current code or a recovery code. */
    disable: async (userId: string, input: TotpCodeInput): Promise<void> => {
      const { code } = parseInput(TotpCodeInputSchema, input);
      await requireEnabled(userId);
      if (!(await throttledCode(userId, () => verify(userId, code)))) throw invalidCode();
      await repo.deleteTotp(userId);
    },

    /** Replaces every recovery code; needs a current TOTP code. */
    async regenerateRecoveryCodes(
      userId: string,
      input: TotpCodeInput,
    ): Promise<{ recoveryCodes: string[] }> {
      const { code } = parseInput(TotpCodeInputSchema, input);
      const record = await requireEnabled(userId);
      const accepted = await throttledCode(
        userId,
        async () => !looksLikeRecoveryCode(code) && (await acceptTotpCode(record, code)),
      );
      if (!accepted) throw invalidCode();
      return { recoveryCodes: await freshRecoveryCodes(userId) };
    },

    remainingRecoveryCodes: (userId: string) => repo.countUnusedRecoveryCodes(userId),
  };
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;
