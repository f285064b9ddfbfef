/** @module Users: roles, tiers, statuses and the shapes identity hands out. */

/** What a user may do. */
export const Role = { Admin: 'admin', User: 'user' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES = Object.values(Role) as [Role, ...Role[]];

/** What a user pays for; sets rate limits and quotas (see `tiers/tiers.ts`). */
export const Tier = { Free: 'free', Premium: 'premium', Enterprise: 'enterprise' } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];
export const TIERS = Object.values(Tier) as [Tier, ...Tier[]];

/** Whether the account may sign in. */
export const UserStatus = { Active: 'active', Disabled: 'disabled' } as const;
export type UserStatus = (typeof UserStatus)[keyof typeof UserStatus];
export const USER_STATUSES = Object.values(UserStatus) as [UserStatus, ...UserStatus[]];

/** A user as stored. `passwordHash` is null for accounts created through OIDC. */
export interface UserRecord {
  id: string;
  /** Normalised (see `normalizeEmail`). */
  email: string;
  displayName: string | null;
  passwordHash: string | null;
  role: Role;
  tier: Tier;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** A user as shown to clients: never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  tier: Tier;
  status: UserStatus;
  mfaEnabled: boolean;
  hasPassword: boolean;
  createdAt: string;
}

/** The public view of a stored user. */
export function toPublicUser(user: UserRecord, mfaEnabled: boolean): PublicUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    tier: user.tier,
    status: user.status,
    mfaEnabled,
    hasPassword: user.passwordHash !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
