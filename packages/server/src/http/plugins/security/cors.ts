/**
 * @module CORS from config: browsers on the listed origins may call the API (and send cookies
 * when `credentials` is on). No origins: no CORS headers at all, the same-origin default.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from '../../request-id.ts';
import { PUBLIC_ROUTE } from '../../route-scopes.ts';

/** Options for {@link registerCors}. */
export interface CorsOptions {
  /** Exact origins (`https://app.example.com`), or `*` for any origin (without credentials). */
  origins: readonly string[];
  /** @default false */
  credentials?: boolean;
}

/** How long a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/** Headers a cross-origin script may read. */
const EXPOSED_HEADERS = [
  REQUEST_ID_HEADER,
  'retry-after',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'ratelimit-policy',
];

/** @throws Error when `*` is combined with credentials (browsers refuse it anyway). */
export function registerCors(app: FastifyInstance, options: CorsOptions): void {
  if (options.origins.length === 0) return;
  const any = options.origins.includes('*');
  if (any && options.credentials) {
    throw new Error('http.cors.origins "*" and http.cors.credentials cannot be combined: list the origins');
  }
  // The preflight route (`OPTIONS *`) is @fastify/cors's own: declared public here, where it is
  // added (a preflight carries no credentials by definition), and not an API operation.
  app.addHook('onRoute', function declarePreflight(route) {
    if (route.method === 'OPTIONS' && route.url === '*') {
      route.config = { ...route.config, ...PUBLIC_ROUTE.config };
      route.schema = { ...route.schema, hide: true };
    }
  });
  void app.register(cors, {
    origin: any ? '*' : [...options.origins],
    credentials: options.credentials ?? false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', REQUEST_ID_HEADER, 'last-event-id'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
}
