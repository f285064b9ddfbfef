/**
 * @module The identity API on the wire (`/api/v1/auth`, `/api/v1/account`, `/api/v1/api-keys`):
 * response schemas (the gateway documents its responses with them) and the JSON shapes the SDK
 * sends and receives. Dates are ISO 8601 strings. Inputs are plain shapes: identity validates them
 * with its own schemas (normalization, password policy), which accept exactly these fields.
 */
import { z } from 'zod';
import { RoleSchema, TierSchema, UserStatusSchema } from '../sets/identity-sets.ts';

export const PublicUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  role: RoleSchema,
  tier: TierSchema,
  status: UserStatusSchema,
  mfaEnabled: z.boolean(),
  hasPassword: z.boolean(),
  /** The user proved control of the email (password sign-ups: the verification link). */
  emailVerified: z.boolean(),
  createdAt: z.iso.datetime(),
});
/** A user as the API shows it: never the password hash. */
export type PublicUser = z.infer<typeof PublicUserSchema>;

/**
 * `GET /auth/email-verification`: how verification links reach people here — by `mail` to the
 * address they prove, or by an `admin` who reads them through the API (no mail configured).
 */
export const EmailVerificationDeliverySchema = z.object({ delivery: z.enum(['mail', 'admin']) });
export type EmailVerificationDelivery = z.infer<typeof EmailVerificationDeliverySchema>;

/** `POST /admin/users/{id}/email-verification-link`: the dashboard path with its token, and its end. */
export const VerificationLinkSchema = z.object({
  path: z.string().describe('`/verify-email?token=…` on the dashboard; single use.'),
  expiresAt: z.iso.datetime(),
});

export const TokenPairSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  accessTokenExpiresAt: z.iso.datetime(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.iso.datetime(),
});
/** Tokens of a session: a short-lived JWT and an opaque, rotating refresh token. */
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const SignedInSchema = z.object({
  status: z.literal('signed_in'),
  user: PublicUserSchema,
  tokens: TokenPairSchema,
});
export type SignedIn = z.infer<typeof SignedInSchema>;

export const MfaRequiredSchema = z.object({
  status: z.literal('mfa_required'),
  mfaToken: z.string(),
  mfaTokenExpiresAt: z.iso.datetime(),
});
/** The password was right; a TOTP or recovery code is needed to complete the sign-in. */
export type MfaRequired = z.infer<typeof MfaRequiredSchema>;

export const SignInResultSchema = z.discriminatedUnion('status', [SignedInSchema, MfaRequiredSchema]);
export type SignInResult = z.infer<typeof SignInResultSchema>;

export const ApiKeyInfoSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfoSchema>;

export const CreatedApiKeySchema = z.object({ apiKey: ApiKeyInfoSchema, key: z.string() });
/** `key` is shown this once; the server keeps only its hash. */
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export const TotpEnrolmentSchema = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  qrSvg: z.string(),
});
export type TotpEnrolment = z.infer<typeof TotpEnrolmentSchema>;

export const RecoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodesSchema>;

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

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  /** Days until the key stops working; none: until revoked. */
  expiresInDays?: number;
}
