/**
 * @module Schemas for routes declared elsewhere: a table keyed by `METHOD /path` attached in an
 * `onRoute` hook, so a domain plugin's routes get zod validation and an OpenAPI entry without
 * that plugin depending on the server's validator. A schema the route declares itself wins.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { z } from 'zod';

/** One route's schemas: zod for inputs (validated) and responses (documented). */
export interface RouteSchema {
  summary?: string;
  description?: string;
  tags?: string[];
  /** `[{ bearer: [] }, { apiKey: [] }]` for routes that need credentials. */
  security?: Array<Record<string, string[]>>;
  body?: z.ZodType;
  querystring?: z.ZodType;
  params?: z.ZodType;
  headers?: z.ZodType;
  response?: Record<number, z.ZodType>;
}

/** `'POST /api/v1/auth/sign-up'` → its schema. */
export type RouteSchemaTable = Readonly<Record<string, RouteSchema>>;

/** Attaches the tables' schemas to matching routes registered after this call. */
export function attachRouteSchemas(app: FastifyInstance, tables: readonly RouteSchemaTable[]): void {
  const merged = new Map<string, RouteSchema>();
  for (const table of tables) for (const [route, schema] of Object.entries(table)) merged.set(route, schema);
  if (merged.size === 0) return;
  app.addHook('onRoute', function attachRouteSchema(route) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const found = merged.get(`${method} ${route.url}`);
      if (found) {
        route.schema = { ...(found as FastifySchema), ...route.schema };
        return;
      }
    }
  });
}
