/** @module Input schemas of API key management. */
import { z } from 'zod';

export const MAX_API_KEY_NAME_LENGTH = 64;
export const MAX_API_KEY_SCOPES = 32;
export const MAX_API_KEY_LIFETIME_DAYS = 3650;

/** `area` or `area:action`, lower case. Which scopes exist is configured (see the service). */
export const ApiKeyScopeSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*(:[a-z][a-z0-9_-]*)?$/, 'must look like "area:action"');

export const CreateApiKeyInputSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(MAX_API_KEY_NAME_LENGTH)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
  scopes: z.array(ApiKeyScopeSchema).min(1).max(MAX_API_KEY_SCOPES),
  /** Days until the key stops working; none: until revoked. */
  expiresInDays: z.number().int().min(1).max(MAX_API_KEY_LIFETIME_DAYS).optional(),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInputSchema>;

export const ApiKeyIdParamsSchema = z.strictObject({ id: z.uuid() });
