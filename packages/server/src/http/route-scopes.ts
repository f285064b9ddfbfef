/**
 * @module Every route declares who may call it (DESIGN principle 9): `config.scope` where the
 * route is registered — an API key scope, `authenticated` (any valid credential) or `public`
 * (protocol's `RouteScope`). The app keeps a table of every route it adds and refuses to become
 * ready while one declares none, so a server with such a route does not start. Inside `/api/v1`
 * the gateway authorizes each request against its route's scope before the input is read, so no
 * handler can forget it, and the OpenAPI document shows the scope and the credentials it takes.
 */
import { isRouteScope, RouteAccess } from '@tickline/protocol';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { ServerError } from '../errors.ts';

/** One route as the table shows it. */
export interface RouteEntry {
  /** `GET`, or several joined by `,`. */
  method: string;
  url: string;
  /** What the route declared (`config.scope`); anything but a `RouteScope` is a defect. */
  scope: unknown;
  /** It has a `schema.response`. */
  documentsResponses: boolean;
  /** Left out of the OpenAPI document (`schema.hide`): the dashboard, Swagger UI's assets, probes. */
  hidden: boolean;
}

/** The options fragment of a route anyone may call (probes, pages, test routes). */
export const PUBLIC_ROUTE = { config: { scope: RouteAccess.Public } };

/** How the OpenAPI document names the credentials a scoped route takes. */
const SCHEMES = ['bearer', 'apiKey'] as const;

const tables = new WeakMap<FastifyInstance, RouteOptions[]>();

/** What a route declared in `config.scope`. */
function declared(route: RouteOptions): unknown {
  return (route.config as { scope?: unknown } | undefined)?.scope;
}

function entryOf(route: RouteOptions): RouteEntry {
  const schema = (route.schema ?? {}) as { response?: object; hide?: boolean };
  return {
    method: [route.method].flat().join(','),
    url: route.url,
    scope: declared(route),
    documentsResponses: schema.response !== undefined && Object.keys(schema.response).length > 0,
    hidden: schema.hide === true,
  };
}

/**
 * What is wrong with a route table: each route that declares no valid scope, and each route in
 * the OpenAPI document that documents no response. Empty when every route is right.
 */
export function routeTableProblems(routes: readonly RouteEntry[]): string[] {
  return routes.flatMap((route) => {
    const name = `${route.method} ${route.url}`;
    const problems: string[] = [];
    if (!isRouteScope(route.scope)) problems.push(`${name} declares no scope`);
    if (!route.hidden && !route.documentsResponses) problems.push(`${name} documents no response`);
    return problems;
  });
}

/**
 * Keeps `app`'s route table and refuses `ready()` (so `listen()`) while a route declares no scope.
 * Call on the root instance before any route is added. The table is read when the app is ready,
 * after every plugin's own `onRoute` hooks have completed each route's options.
 */
export function registerRouteTable(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  tables.set(app, routes);
  app.addHook('onRoute', function recordRoute(route) {
    routes.push(route);
  });
  app.addHook('onReady', async function refuseUndeclaredRoutes() {
    const undeclared = routes.map(entryOf).filter((route) => !isRouteScope(route.scope));
    if (undeclared.length > 0)
      throw new ServerError(
        'SERVER_ROUTE_SCOPE_MISSING',
        `every route declares its scope; these declare none: ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`,
        { details: { routes: undeclared.map((r) => `${r.method} ${r.url}`) } },
      );
  });
}

/** The route table of an app built by `createHttpApp` (complete once it is ready). */
export function routeTableOf(app: FastifyInstance): RouteEntry[] {
  return (tables.get(app) ?? []).map(entryOf);
}

/** Authorizes a request for a scope (identity's `RequestAuth.authorize`). */
export type AuthorizeRequest = (request: FastifyRequest, scope: string) => Promise<void>;

/**
 * Authorizes every request of `scope` (the `/api/v1` instance) against the scope its route
 * declares, in the first `preValidation` hook: 401/403 before the route's own hooks or its input
 * validation run. An instance hook, so it reads each route's final `config` (a plugin's own
 * `onRoute` hook may declare it late, as Swagger UI's and Mercurius's wrappers do). Each scoped
 * route's OpenAPI operation gets the credentials and the scope. Without `authorize` (a process
 * serving no identity) a route that is not public cannot be served: registering one throws.
 */
export function authorizeByScope(scope: FastifyInstance, authorize: AuthorizeRequest | undefined): void {
  scope.addHook('onRoute', function documentScope(route) {
    const declaredScope = declared(route);
    if (!isRouteScope(declaredScope) || declaredScope === RouteAccess.Public) return;
    if (authorize === undefined)
      throw new ServerError(
        'SERVER_ROUTE_SCOPE_MISSING',
        `${String(route.method)} ${route.url} needs ${declaredScope} but this process authenticates no one`,
        { details: { routes: [`${String(route.method)} ${route.url}`] } },
      );
    const schema = (route.schema ?? {}) as { description?: string };
    const anyCredential = declaredScope === RouteAccess.Authenticated;
    const note = anyCredential ? 'Any valid credential.' : `Scope: \`${declaredScope}\`.`;
    route.schema = {
      ...schema,
      security: SCHEMES.map((scheme) => ({ [scheme]: anyCredential ? [] : [declaredScope] })),
      description: schema.description?.includes(note)
        ? schema.description
        : `${schema.description ?? ''} ${note}`.trim(),
    };
  });
  scope.addHook('preValidation', async function authorizeScope(request) {
    const routeScope = request.routeOptions.config.scope;
    // A route without one never gets here: the app refused to start.
    if (routeScope === undefined || routeScope === RouteAccess.Public || authorize === undefined) return;
    await authorize(request, routeScope);
  });
}
