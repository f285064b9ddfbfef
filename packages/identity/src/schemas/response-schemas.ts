/** @module Response shapes, as zod schemas for the server's OpenAPI document. */
import { z } from 'zod';
import { RoleSchema, TierSchema, UserStatusSchema } from './admin-schemas.ts';

export const PublicUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  role: RoleSchema,
  tier: TierSchema,
  status: UserStatusSchema,
  mfaEnabled: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: z.iso.datetime(),
});

export const TokenPairSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  accessTokenExpiresAt: z.iso.datetime(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.iso.datetime(),
});

export const SignedInSchema = z.object({
  status: z.literal('signed_in'),
  user: PublicUserSchema,
  tokens: TokenPairSchema,
});

export const MfaRequiredSchema = z.object({
  status: z.literal('mfa_required'),
  mfaToken: z.string(),
  mfaTokenExpiresAt: z.iso.datetime(),
});

export const SignInResultSchema = z.discriminatedUnion('status', [SignedInSchema, MfaRequiredSchema]);

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

export const CreatedApiKeySchema = z.object({ apiKey: ApiKeyInfoSchema, key: z.string() });

export const TotpEnrolmentSchema = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  qrSvg: z.string(),
});

export const RecoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
