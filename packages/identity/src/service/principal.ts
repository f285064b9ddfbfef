/** @module Who is calling: the result of authenticating a request, and the checks on it. */
import { ApiKeyScope, RouteAccess } from '@tickline/protocol';
import { IdentityError } from '../errors.ts';
import type { TierLimits } from '../tiers/tiers.ts';
import type { Role, Tier } from '../users/user.ts';

export const PrincipalKind = { User: 'user', ApiKey: 'api_key' } as const;
export type PrincipalKind = (typeof PrincipalKind)[keyof typeof PrincipalKind];

/** An authenticated caller. */
export interface Principal {
  kind: PrincipalKind;
  userId: string;
  role: Role;
  tier: Tier;
  /** The tier's rate limits and quotas. */
  limits: TierLimits;
  /** An API key's scopes; null for a signed-in user (every scope their role allows). */
  scopes: readonly string[] | null;
  /** Session of an access token. */
  sessionId?: string;
  /** Key id of an API key: rate limits are counted per key. */
  apiKeyId?: string;
  /**
   * The user's session version this credential stands on: an access token's `sv`, or the current
   * one for an API key (checked against the database on every request). Stream tickets carry it.
   * @default 0
   */
  sessionVersion?: number;
}

/** @throws IdentityError AUTH_FORBIDDEN unless the principal has `role`. */
export function requireRole(principal: Principal, role: Role): void {
  if (principal.role !== role) {
    throw new IdentityError('AUTH_FORBIDDEN', `requires role ${role}`, { details: { required: role } });
  }
}

/** @throws IdentityError AUTH_FORBIDDEN when an API key lacks `scope` (users have every scope). */
export function requireScope(principal: Principal, scope: string): void {
  if (principal.scopes !== null && !principal.scopes.includes(scope)) {
    throw new IdentityError('AUTH_FORBIDDEN', `requires scope ${scope}`, { details: { required: scope } });
  }
}

/**
 * What a stream ticket minted for `principal` must carry, so the stream is authorized as the
 * credential was: a signed-in user's role, or an API key's role narrowed to the key's scopes (an
 * admin's `stream:read` key must not read `admin:*` channels).
 */
export function streamTicketAttrs(principal: Principal): { role: Role; sv: number; scopes?: string[] } {
  const attrs = { role: principal.role, sv: principal.sessionVersion ?? 0 };
  return principal.scopes === null ? attrs : { ...attrs, scopes: [...principal.scopes] };
}

/** Admin operations: the admin role, and for an API key also the `admin` scope. */
export function requireAdmin(principal: Principal): void {
  requireRole(principal, 'admin');
  requireScope(principal, 'admin');
}

/**
 * What a route's declared scope (`RouteScope`, not `public`) demands of the authenticated caller:
 * nothing more for `authenticated`, the role and the scope for `admin`, else the scope.
 * @throws IdentityError AUTH_FORBIDDEN
 */
export function requireRouteScope(principal: Principal, scope: string): void {
  if (scope === RouteAccess.Authenticated) return;
  if (scope === ApiKeyScope.Admin) return requireAdmin(principal);
  requireScope(principal, scope);
}
