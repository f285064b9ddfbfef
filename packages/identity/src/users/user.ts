/** @module Users: roles, tiers, statuses and the shapes identity hands out. */

// Roles, tiers and statuses are closed sets clients see too: defined in @tickline/protocol.
import type { PublicUser, Role, Tier, UserStatus } from '@tickline/protocol';
export { Role, ROLES, Tier, TIERS, UserStatus, USER_STATUSES } from '@tickline/protocol';

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
  /** When the user proved control of `email` (a verification link, or a verifying OIDC provider). */
  emailVerifiedAt?: Date | null;
}

/** A user as shown to clients (the wire shape is @tickline/protocol's): never the password hash. */
export type { PublicUser } from '@tickline/protocol';

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
    emailVerified: user.emailVerifiedAt != null,
    createdAt: user.createdAt.toISOString(),
  };
}
