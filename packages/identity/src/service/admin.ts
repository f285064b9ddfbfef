/** @module Admin operations: list users, change role, tier or status. */
import { IdentityError } from '../errors.ts';
import { AccountTierChanged } from '../events.ts';
import {
  ListUsersQuerySchema,
  UpdateUserInputSchema,
  UserIdParamsSchema,
  type ListUsersQueryInput,
  type UpdateUserInput,
} from '../schemas/admin-schemas.ts';
import { parseInput } from '../schemas/parse-input.ts';
import { toPublicUser, type PublicUser } from '../users/user.ts';
import type { IdentityContext } from './identity-context.ts';
import { requireAdmin, type Principal } from './principal.ts';
import { RevokeReason } from './sessions.ts';

/** A page of users; pass `nextAfter` as `after` for the next page. */
export interface UserPage {
  users: PublicUser[];
  nextAfter: string | null;
}

export function createAdmin(ctx: IdentityContext) {
  const { repo } = ctx;
  const withMfa = async (user: Parameters<typeof toPublicUser>[0]) =>
    toPublicUser(user, (await repo.findTotp(user.id))?.enabledAt != null);

  return {
    listUsers: async (actor: Principal, query: ListUsersQueryInput = {}): Promise<UserPage> => {
      requireAdmin(actor);
      const { limit, after, role, tier, email } = parseInput(ListUsersQuerySchema, query);
      const users = await repo.listUsers({ limit, after, role, tier, emailPrefix: email });
      return {
        users: await Promise.all(users.map(withMfa)),
        nextAfter: users.length === limit ? users[users.length - 1]!.id : null,
      };
    },

    /** Changes role, tier or status; disabling also ends every session of the user. */
    updateUser: async (actor: Principal, userId: string, input: UpdateUserInput): Promise<PublicUser> => {
      requireAdmin(actor);
      const { id } = parseInput(UserIdParamsSchema, { id: userId });
      const patch = parseInput(UpdateUserInputSchema, input);
      const now = ctx.now();
      const before = patch.tier === undefined ? undefined : await repo.findUserById(id);
      const updated = await repo.updateUser(id, patch, now, { keepAnAdmin: true });
      if (updated === undefined) throw new IdentityError('IDENTITY_USER_NOT_FOUND', 'user not found');
      if (updated === 'last_admin') {
        throw new IdentityError('IDENTITY_LAST_ADMIN', 'the change would leave no active admin');
      }
      if (patch.status === 'disabled') await repo.revokeUserSessions(id, RevokeReason.Disabled, now);
      // Tokens carry role and tier: any change must stop the ones already issued (and their streams).
      if (patch.status !== undefined || patch.role !== undefined || patch.tier !== undefined)
        await ctx.options.sessionVersions.bump(id);
      // Domains that keep a copy of the tier (notify plans deliveries with it) follow the change.
      if (before && before.tier !== updated.tier)
        ctx.options.publish?.(
          ctx.events.create(AccountTierChanged, {
            subject: id,
            data: { userId: id, tier: updated.tier, previousTier: before.tier },
          }),
        );
      ctx.options.logger.info({ actor: actor.userId, userId: id, change: patch }, 'user changed by admin');
      return withMfa(updated);
    },
  };
}

export type Admin = ReturnType<typeof createAdmin>;
