/**
 * @module What each root field of the schema demands of its caller, declared in one table as REST
 * declares a scope on every route, and enforced before the field's resolver runs. A field the
 * table does not name stops the server from starting: GraphQL fields once authenticated with "any
 * credential", so a `market:read` key read the inbox, marked it read and listed the account's API
 * keys through GraphQL while REST refused it all.
 *
 * The scopes are REST's for the same data: `public` as the market routes, `authenticated` as
 * `/me`, `admin` for the admin hand (role and scope), else the API key scope. A subscription needs
 * the scope of what it streams (a market channel `market:read`, the owner's orders
 * `portfolio:read`, the inbox `notifications:read`).
 */
import { ApiKeyScope, RouteAccess, type RouteScope } from '@tickline/protocol';
import { type GraphQLSchema } from 'graphql';
import { adminOf, callerOf } from './caller.ts';
import type { GraphqlServices } from './services.ts';
import type { Context } from './resolvers/types.ts';

export type RootType = 'Query' | 'Mutation' | 'Subscription';
export type FieldScopes = Readonly<Record<RootType, Readonly<Record<string, RouteScope>>>>;

export const FIELD_SCOPES: FieldScopes = {
  Query: {
    me: RouteAccess.Authenticated,
    apiKeys: ApiKeyScope.AccountManage,
    markets: RouteAccess.Public,
    market: RouteAccess.Public,
    ticker: RouteAccess.Public,
    strategies: ApiKeyScope.StrategiesRead,
    strategy: ApiKeyScope.StrategiesRead,
    backtests: ApiKeyScope.StrategiesRead,
    backtest: ApiKeyScope.StrategiesRead,
    researchRuns: ApiKeyScope.StrategiesRead,
    researchRun: ApiKeyScope.StrategiesRead,
    portfolios: ApiKeyScope.PortfolioRead,
    portfolio: ApiKeyScope.PortfolioRead,
    liveRuns: ApiKeyScope.PortfolioRead,
    liveRun: ApiKeyScope.PortfolioRead,
    notifications: ApiKeyScope.NotificationsRead,
    notificationRules: ApiKeyScope.NotificationsRead,
    zones: ApiKeyScope.Admin,
    players: ApiKeyScope.Admin,
    consumerLag: ApiKeyScope.Admin,
  },
  Mutation: {
    createStrategyVersion: ApiKeyScope.StrategiesWrite,
    queueBacktest: ApiKeyScope.BacktestsRun,
    cancelBacktest: ApiKeyScope.BacktestsRun,
    placeOrder: ApiKeyScope.PortfolioWrite,
    cancelOrder: ApiKeyScope.PortfolioWrite,
    pauseLiveRun: ApiKeyScope.PortfolioWrite,
    resumeLiveRun: ApiKeyScope.PortfolioWrite,
    markNotificationRead: ApiKeyScope.NotificationsWrite,
    markAllNotificationsRead: ApiKeyScope.NotificationsWrite,
  },
  Subscription: {
    ticker: ApiKeyScope.MarketRead,
    candles: ApiKeyScope.MarketRead,
    signals: ApiKeyScope.SignalsRead,
    orderUpdates: ApiKeyScope.PortfolioRead,
    inbox: ApiKeyScope.NotificationsRead,
    backtestProgress: ApiKeyScope.StrategiesRead,
  },
};

/** The declared scope of `type.field`. @throws Error naming the field when it declares none */
export function scopeOf(type: RootType, field: string, scopes: FieldScopes = FIELD_SCOPES): RouteScope {
  const scope = scopes[type][field];
  if (scope === undefined)
    throw new Error(
      `GraphQL field ${type}.${field} declares no scope: add it to FIELD_SCOPES (field-scopes.ts)`,
    );
  return scope;
}

/**
 * Every root field of `schema` with its declared scope; also refuses a declaration the schema no
 * longer has (a renamed field would otherwise keep a stale rule and lose its own).
 * @throws Error naming the first field without a declaration, or the first stale declaration
 */
export function declaredScopes(
  schema: GraphQLSchema,
  scopes: FieldScopes = FIELD_SCOPES,
): Array<{ type: RootType; field: string; scope: RouteScope }> {
  const declared: Array<{ type: RootType; field: string; scope: RouteScope }> = [];
  const roots = {
    Query: schema.getQueryType(),
    Mutation: schema.getMutationType(),
    Subscription: schema.getSubscriptionType(),
  };
  for (const type of Object.keys(roots) as RootType[]) {
    const fields = Object.keys(roots[type]?.getFields() ?? {});
    for (const field of fields) declared.push({ type, field, scope: scopeOf(type, field, scopes) });
    const stale = Object.keys(scopes[type]).find((field) => !fields.includes(field));
    if (stale !== undefined)
      throw new Error(`FIELD_SCOPES names ${type}.${stale}, which the schema does not have`);
  }
  return declared;
}

/** Authenticates the operation's caller as `scope` demands. @throws AUTH_* */
export async function authorizeField(
  services: GraphqlServices,
  context: Context,
  scope: RouteScope,
): Promise<void> {
  if (scope === RouteAccess.Public) return;
  if (scope === ApiKeyScope.Admin) await adminOf(services, context);
  else await callerOf(services, context, scope === RouteAccess.Authenticated ? undefined : scope);
}

/**
 * The scope a subscription checks as it subscribes: an API key scope (a stream always has a
 * caller, and the admin hand streams through REST's admin channels, not GraphQL).
 * @throws Error when `field` declares none, or declares public, authenticated or admin
 */
export function subscriptionScope(field: string, scopes: FieldScopes = FIELD_SCOPES): ApiKeyScope {
  const scope = scopeOf('Subscription', field, scopes);
  if (scope === RouteAccess.Public || scope === RouteAccess.Authenticated || scope === ApiKeyScope.Admin)
    throw new Error(`GraphQL field Subscription.${field} must declare an API key scope, not ${scope}`);
  return scope;
}

type FieldResolver = (root: unknown, args: unknown, context: Context, info: unknown) => unknown;

/**
 * `resolvers` with every Query and Mutation field behind its declared scope (subscriptions check
 * theirs as they subscribe: subscription-resolvers.ts). @throws Error as {@link declaredScopes}
 */
export function guardRootFields(
  schema: GraphQLSchema,
  services: GraphqlServices,
  resolvers: Record<string, object>,
  scopes: FieldScopes = FIELD_SCOPES,
): Record<string, object> {
  const guarded: Record<string, object> = { ...resolvers };
  for (const { type, field, scope } of declaredScopes(schema, scopes)) {
    if (type === 'Subscription' || scope === RouteAccess.Public) continue;
    const resolve = (resolvers[type] as Record<string, unknown> | undefined)?.[field] as
      FieldResolver | undefined;
    if (resolve === undefined) continue;
    guarded[type] = {
      ...guarded[type],
      [field]: async (root: unknown, args: unknown, context: Context, info: unknown) => {
        await authorizeField(services, context, scope);
        return resolve(root, args, context, info);
      },
    };
  }
  return guarded;
}
