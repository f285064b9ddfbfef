/** @module Routes: user administration (admin role; API keys also need the `admin` scope). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ListUsersQuerySchema, UpdateUserInputSchema, UserIdParamsSchema } from '../schemas/admin-schemas.ts';
import { PublicUserSchema, ApiKeyScope, VerificationLinkSchema } from '@tickline/protocol';
import { IdentityError } from '../errors.ts';
import type { IdentityService } from '../service/identity-service.ts';
import { principalOf, requireAuthentication } from './authenticate.ts';
import { CREDENTIALS } from './route-docs.ts';

/**
 * `mailsLinks`: verification links go out by mail (SMTP configured); an admin then reads none,
 * since handing one over would verify an address nobody proved.
 */
export function adminRoutes(service: IdentityService, mailsLinks: boolean): FastifyPluginAsyncZod {
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
    app.post(
      '/admin/users/:id/email-verification-link',
      {
        config: { scope: ApiKeyScope.Admin },
        preHandler,
        schema: {
          ...doc("A fresh verification link for the user's email, to hand over (installs without mail)"),
          description:
            'The link is shown here and nowhere else (not in the log, not in the event log). 409 IDENTITY_VERIFICATION_MAILED where links go out by mail; 409 IDENTITY_EMAIL_ALREADY_VERIFIED.',
          params: UserIdParamsSchema,
          response: { 201: VerificationLinkSchema },
        },
      },
      async (request, reply) => {
        const actor = principalOf(request);
        if (mailsLinks)
          throw new IdentityError('IDENTITY_VERIFICATION_MAILED', 'verification links go out by mail here');
        const link = await service.issueEmailVerificationLink(actor, request.params.id);
        if (link === undefined)
          throw new IdentityError('IDENTITY_EMAIL_ALREADY_VERIFIED', 'the email is verified already');
        return reply.status(201).send(link);
      },
    );
  };
}
