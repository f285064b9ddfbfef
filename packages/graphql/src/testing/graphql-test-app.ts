/** @module A Fastify app serving GraphQL over `services` under `/api/v1`, as the server mounts it. */
import { OPERATION_RATE_LIMIT, TicklineError } from '@tickline/kernel';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { GraphqlSchema } from '../config.ts';
import { graphqlRoutes } from '../module/graphql-routes.ts';
import type { GraphqlServices } from '../schema/services.ts';

/** The started app and a way to post one operation to it. */
export interface GraphqlTestApp {
  app: FastifyInstance;
  post(body: object, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export interface GraphqlTestAppOptions {
  /** `graphql.*` settings besides the defaults. */
  settings?: Partial<typeof GraphqlSchema._input>;
  /**
   * Requests the scope's rate limiter still allows (absent: no limiter); spent ones are taken off
   * `left`, and past zero the limiter throws HTTP_RATE_LIMITED (which the caller must have declared).
   */
  budget?: { left: number };
}

export async function startGraphqlTestApp(
  services: GraphqlServices,
  options: GraphqlTestAppOptions = {},
): Promise<GraphqlTestApp> {
  const app = Fastify();
  // As the server's app validates: zod schemas only.
  app.setValidatorCompiler(validatorCompiler);
  const { budget } = options;
  await app.register(
    async (scope) => {
      // What the server's rate-limit plugin decorates the `/api/v1` scope with.
      if (budget)
        scope.decorate(OPERATION_RATE_LIMIT, {
          async take(_request: unknown, count: number) {
            budget.left -= count;
            if (budget.left < 0) throw new TicklineError('HTTP_RATE_LIMITED', 'rate limit exceeded');
          },
        });
      await scope.register(graphqlRoutes(GraphqlSchema.parse(options.settings ?? {}), services));
    },
    { prefix: '/api/v1' },
  );
  await app.ready();
  return {
    app,
    async post(body, headers = {}) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/graphql', payload: body, headers });
      return { status: response.statusCode, body: response.json() };
    },
  };
}
