/**
 * @module Input schemas of sign-up, sign-in, MFA, refresh and password change. Objects are strict
 * (unknown fields are refused) and every string is bounded. Exported for the server's OpenAPI.
 */
import { z } from 'zod';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../users/email.ts';

/** Upper bound on password input before the policy runs (the policy counts code points). */
export const MAX_PASSWORD_INPUT_LENGTH = 256;
export const MAX_TOKEN_INPUT_LENGTH = 4096;
export const MAX_DISPLAY_NAME_LENGTH = 64;

export const EmailSchema = z
  .string()
  .max(MAX_EMAIL_LENGTH)
  .transform(normalizeEmail)
  .pipe(z.email().max(MAX_EMAIL_LENGTH))
  .describe('Email address; stored lower-cased (NFKC).');

export const PasswordSchema = z.string().min(1).max(MAX_PASSWORD_INPUT_LENGTH);

// No control characters: a display name is shown in lists and logs.
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_DISPLAY_NAME_LENGTH)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const SignUpInputSchema = z.strictObject({
  email: EmailSchema,
  password: PasswordSchema,
  displayName: DisplayNameSchema.optional(),
});
export type SignUpInput = z.input<typeof SignUpInputSchema>;

export const SignInInputSchema = z.strictObject({
  email: EmailSchema,
  password: PasswordSchema,
});
export type SignInInput = z.input<typeof SignInInputSchema>;

/** A 6-digit TOTP code or a recovery code (`abcd-efgh-jkmn-pqrs`). */
export const MfaCodeSchema = z.string().trim().min(6).max(32);

export const CompleteMfaInputSchema = z.strictObject({
  mfaToken: z.string().min(1).max(MAX_TOKEN_INPUT_LENGTH),
  code: MfaCodeSchema,
});
export type CompleteMfaInput = z.input<typeof CompleteMfaInputSchema>;

export const RefreshInputSchema = z.strictObject({
  refreshToken: z.string().min(1).max(MAX_TOKEN_INPUT_LENGTH),
});
export type RefreshInput = z.input<typeof RefreshInputSchema>;

export const ChangePasswordInputSchema = z.strictObject({
  currentPassword: PasswordSchema,
  newPassword: PasswordSchema,
});
export type ChangePasswordInput = z.input<typeof ChangePasswordInputSchema>;

export const TotpCodeInputSchema = z.strictObject({ code: MfaCodeSchema });

export const VerifyEmailInputSchema = z.strictObject({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/, 'expected the token from the verification link')
    .describe('The `token` of the verification link.'),
});
export type VerifyEmailInput = z.input<typeof VerifyEmailInputSchema>;
export type TotpCodeInput = z.input<typeof TotpCodeInputSchema>;
