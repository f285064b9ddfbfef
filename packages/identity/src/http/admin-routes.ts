/** @module Routes: user administration (admin role; API keys also need the `admin` scope). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ListUsersQuerySchema, UpdateUserInputSchema, UserIdParamsSchema } from '../schemas/admin-schemas.ts';
import { PublicUserSchema, ApiKeyScope } from '@tickline/protocol';
import type { IdentityService } from '../service/identity-service.ts';
import { principalOf, requireAuthentication } from './authenticate.ts';
import { CREDENTIALS } from './route-docs.ts';

export function adminRoutes(service: IdentityService): FastifyPluginAsyncZod {
  return async function admin(app) {
    const preHandler = requireAuthentication(service);
    const doc = (summary: string) => ({ summary, tags: ['admin'], security: CREDENTIALS });
    app.get(
      '/admin/users',
      {
        config: { scope: ApiKeyScope.Admin },
        preHandler,
        schema: {
          ...doc('List users (admins)'),
          querystring: ListUsersQuerySchema,
          response: { 200: z.object({ users: z.array(PublicUserSchema), nextAfter: z.uuid().nullable() }) },
        },
      },
      async (request) => service.listUsers(principalOf(request), request.query),
    );
    app.patch(
      '/admin/users/:id',
      {
        config: { scope: ApiKeyScope.Admin },
        preHandler,
        schema: {
          ...doc("Change a user's role, tier or status (admins)"),
          params: UserIdParamsSchema,
          body: UpdateUserInputSchema,
          response: { 200: PublicUserSchema },
        },
      },
      async (request) => service.updateUser(principalOf(request), request.params.id, request.body),
    );
  };
}
