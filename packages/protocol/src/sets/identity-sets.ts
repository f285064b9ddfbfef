/**
 * @module The closed sets of identity that clients see: roles, tiers, account statuses and API-key
 * scopes. Identity enforces them; the SDK, the dashboard and the gateway's channel rules read them.
 */
import { z } from 'zod';

/** What a user may do. */
export const Role = { Admin: 'admin', User: 'user' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES = Object.values(Role) as [Role, ...Role[]];
export const RoleSchema = z.enum(ROLES);

/** What a user pays for; sets rate limits and quotas. */
export const Tier = { Free: 'free', Premium: 'premium', Enterprise: 'enterprise' } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];
export const TIERS = Object.values(Tier) as [Tier, ...Tier[]];
export const TierSchema = z.enum(TIERS);

/** Whether the account may sign in. */
export const UserStatus = { Active: 'active', Disabled: 'disabled' } as const;
export type UserStatus = (typeof UserStatus)[keyof typeof UserStatus];
export const USER_STATUSES = Object.values(UserStatus) as [UserStatus, ...UserStatus[]];
export const UserStatusSchema = z.enum(USER_STATUSES);

/**
 * The scopes an API key may carry (`area:action`; `admin` alone grants the admin API). A deployment
 * may narrow the list it accepts; it cannot invent scopes no route checks.
 */
export const ApiKeyScope = {
  MarketRead: 'market:read',
  StrategiesRead: 'strategies:read',
  StrategiesWrite: 'strategies:write',
  BacktestsRun: 'backtests:run',
  SignalsRead: 'signals:read',
  PortfolioRead: 'portfolio:read',
  PortfolioWrite: 'portfolio:write',
  StreamRead: 'stream:read',
  /** The inbox, notification settings, webhooks, push subscriptions and the phone, read. */
  NotificationsRead: 'notifications:read',
  /** The same, changed: rules, the notification email and phone, webhooks, push subscriptions. */
  NotificationsWrite: 'notifications:write',
  /** Join a game zone and list zones. */
  GamePlay: 'game:play',
  Admin: 'admin',
  /**
   * Account management: create or revoke keys, two-factor settings, the password, signing
   * sessions out. Signed-in users have it; a key needs it explicitly.
   */
  AccountManage: 'account:manage',
} as const;
export type ApiKeyScope = (typeof ApiKeyScope)[keyof typeof ApiKeyScope];
export const API_KEY_SCOPES = Object.values(ApiKeyScope) as [ApiKeyScope, ...ApiKeyScope[]];

/**
 * What a route needs, declared where it is registered (Fastify's `config.scope`): an API key scope
 * (a signed-in user has every scope their role allows; `admin` also needs the admin role),
 * `authenticated` for any valid credential whatever its scopes (who am I), or `public`. The
 * server refuses to start with a route that declares none.
 */
export const RouteAccess = { Public: 'public', Authenticated: 'authenticated' } as const;
export type RouteAccess = (typeof RouteAccess)[keyof typeof RouteAccess];
export type RouteScope = ApiKeyScope | RouteAccess;
export const ROUTE_SCOPES = [...API_KEY_SCOPES, ...Object.values(RouteAccess)] as [
  RouteScope,
  ...RouteScope[],
];

/** Whether `value` is a declaration {@link RouteScope} accepts. */
export function isRouteScope(value: unknown): value is RouteScope {
  return typeof value === 'string' && (ROUTE_SCOPES as readonly string[]).includes(value);
}

/**
 * Admin power over other users' data: the admin role AND, for an API key, the `admin` scope (an
 * admin's `market:read` key is no admin). `scopes` null or absent: a signed-in user.
 */
export function hasAdminPower(caller: {
  role: string;
  scopes?: readonly string[] | null | undefined;
}): boolean {
  return caller.role === Role.Admin && (caller.scopes == null || caller.scopes.includes(ApiKeyScope.Admin));
}
