/** @module Routes: the caller's API keys. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKeyIdParamsSchema, CreateApiKeyInputSchema } from '../schemas/api-key-schemas.ts';
import { ApiKeyInfoSchema, CreatedApiKeySchema, ApiKeyScope } from '@tickline/protocol';
import type { IdentityService } from '../service/identity-service.ts';
import { principalOf, requireAuthentication } from './authenticate.ts';
import { CREDENTIALS, NoContent } from './route-docs.ts';

export function apiKeyRoutes(service: IdentityService): FastifyPluginAsyncZod {
  return async function apiKeys(app) {
    const preHandler = requireAuthentication(service);
    const doc = (summary: string) => ({ summary, tags: ['api-keys'], security: CREDENTIALS });
    app.get(
      '/api-keys',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...doc("The caller's API keys (never the keys themselves)"),
          response: { 200: z.object({ apiKeys: z.array(ApiKeyInfoSchema) }) },
        },
      },
      async (request) => ({ apiKeys: await service.listApiKeys(principalOf(request)) }),
    );
    app.post(
      '/api-keys',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...doc('Create an API key; the key is shown once'),
          body: CreateApiKeyInputSchema,
          response: { 201: CreatedApiKeySchema },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return service.createApiKey(principalOf(request), request.body);
      },
    );
    app.delete(
      '/api-keys/:id',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: { ...doc('Revoke an API key'), params: ApiKeyIdParamsSchema, response: { 204: NoContent } },
      },
      async (request, reply) => {
        await service.revokeApiKey(principalOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
