/** @module A Fastify app serving GraphQL over `services` under `/api/v1`, as the server mounts it. */
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

export async function startGraphqlTestApp(services: GraphqlServices): Promise<GraphqlTestApp> {
  const app = Fastify();
  // As the server's app validates: zod schemas only.
  app.setValidatorCompiler(validatorCompiler);
  await app.register(async (scope) => scope.register(graphqlRoutes(GraphqlSchema.parse({}), services)), {
    prefix: '/api/v1',
  });
  await app.ready();
  return {
    app,
    async post(body, headers = {}) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/graphql', payload: body, headers });
      return { status: response.statusCode, body: response.json() };
    },
  };
}
