/** @module Input schemas of the admin operations. */
import { z } from 'zod';
import { ROLES, TIERS, USER_STATUSES } from '../users/user.ts';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../users/email.ts';

export const MAX_USERS_PAGE = 100;
export const DEFAULT_USERS_PAGE = 50;

export const RoleSchema = z.enum(ROLES);
export const TierSchema = z.enum(TIERS);
export const UserStatusSchema = z.enum(USER_STATUSES);

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
