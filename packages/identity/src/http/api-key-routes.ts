/** @module Routes: the caller's API keys. */
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../service/identity-service.ts';
import { principalOf, requireAuthentication } from './authenticate.ts';

export function registerApiKeyRoutes(app: FastifyInstance, service: IdentityService): void {
  const auth = { preHandler: requireAuthentication(service) };
  app.get('/api-keys', auth, async (request) => ({
    apiKeys: await service.listApiKeys(principalOf(request)),
  }));
  app.post('/api-keys', auth, async (request, reply) => {
    reply.status(201);
    return service.createApiKey(principalOf(request), request.body as never);
  });
  app.delete('/api-keys/:id', auth, async (request, reply) => {
    await service.revokeApiKey(principalOf(request), (request.params as { id: string }).id);
    return reply.status(204).send();
  });
}
