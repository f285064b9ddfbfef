/**
 * @module Fastify's route `config` carries `scope`: who may call the route (DESIGN principle 9),
 * declared where the route is registered. Identity owns what a scope means; the gateway reads the
 * declaration and authorizes every request against it (server's `route-scopes.ts`).
 */
import type { RouteScope } from '@tickline/protocol';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An API key scope, `authenticated` (any credential) or `public`; a route without one stops the start. */
    scope?: RouteScope;
  }
}
