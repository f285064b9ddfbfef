/** @module Input schemas of OIDC sign-in. */
import { z } from 'zod';

export const MAX_RETURN_TO_LENGTH = 2048;

export const OidcProviderParamsSchema = z.strictObject({
  provider: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a provider id'),
});

/**
 * Where to send the browser after sign-in: a path on this site only (`/x`, never `//host` or a
 * URL), so the callback cannot be used as an open redirect.
 */
export const ReturnToSchema = z
  .string()
  .max(MAX_RETURN_TO_LENGTH)
  .regex(/^\/(?![/\\])[^\s]*$/, 'must be a path on this site');

export const OidcStartQuerySchema = z.strictObject({ returnTo: ReturnToSchema.optional() });
export type OidcStartQuery = z.input<typeof OidcStartQuerySchema>;
