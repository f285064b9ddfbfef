/** @module The typed Fastify instance the route files receive. */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor, NotifyApi } from '../api/notify-api.ts';

export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const TAGS = ['notifications'];

/** The documented body of a 204 answer. */
export const NoContent = z.null().describe('No content');

/** What the route files share. */
export interface RouteContext {
  api: NotifyApi;
  actor: (request: FastifyRequest) => Promise<Actor>;
  publicBaseUrl: string | undefined;
}
