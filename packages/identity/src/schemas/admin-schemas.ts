/** @module Input schemas of the admin operations. */
import { RoleSchema, TierSchema, UserStatusSchema } from '@tickline/protocol';
import { z } from 'zod';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../users/email.ts';

export const MAX_USERS_PAGE = 100;
export const DEFAULT_USERS_PAGE = 50;

// The closed sets are the protocol's; re-exported for the existing callers of this module.
export { RoleSchema, TierSchema, UserStatusSchema } from '@tickline/protocol';

/** Query string of GET /admin/users (values arrive as strings). */
export const ListUsersQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_USERS_PAGE).default(DEFAULT_USERS_PAGE),
  after: z.uuid().optional(),
  role: RoleSchema.optional(),
  tier: TierSchema.optional(),
  /** Email prefix, matched on the normalised email. */
  email: z.string().max(MAX_EMAIL_LENGTH).transform(normalizeEmail).optional(),
});
export type ListUsersQueryInput = z.input<typeof ListUsersQuerySchema>;

export const UpdateUserInputSchema = z
  .strictObject({
    role: RoleSchema.optional(),
    tier: TierSchema.optional(),
    status: UserStatusSchema.optional(),
  })
  .refine((v) => v.role !== undefined || v.tier !== undefined || v.status !== undefined, {
    message: 'give at least one of role, tier, status',
  });
export type UpdateUserInput = z.input<typeof UpdateUserInputSchema>;

export const UserIdParamsSchema = z.strictObject({ id: z.uuid() });
