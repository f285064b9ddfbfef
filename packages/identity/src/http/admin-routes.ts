/** @module Routes: user administration (admin role; API keys also need the `admin` scope). */
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../service/identity-service.ts';
import { principalOf, requireAuthentication } from './authenticate.ts';

export function registerAdminRoutes(app: FastifyInstance, service: IdentityService): void {
  const auth = { preHandler: requireAuthentication(service) };
  app.get('/admin/users', auth, async (request) =>
    service.listUsers(principalOf(request), request.query as never),
  );
  app.patch('/admin/users/:id', auth, async (request) =>
    service.updateUser(principalOf(request), (request.params as { id: string }).id, request.body as never),
  );
}
