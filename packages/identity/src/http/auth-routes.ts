/** @module Routes: sign-up, sign-in, MFA, refresh, sign-out, the caller's account and its 2FA. */
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../service/identity-service.ts';
import { principalOf, requireAuthentication } from './authenticate.ts';

export function registerAuthRoutes(app: FastifyInstance, service: IdentityService): void {
  const auth = { preHandler: requireAuthentication(service) };
  const origin = (ip: string) => ({ address: ip });

  app.post('/auth/sign-up', async (request, reply) => {
    reply.status(201);
    return service.signUp(request.body as never);
  });
  app.post('/auth/sign-in', async (request) => service.signIn(request.body as never, origin(request.ip)));
  app.post('/auth/mfa', async (request) => service.completeMfa(request.body as never, origin(request.ip)));
  app.post('/auth/refresh', async (request) => service.refresh(request.body as never));
  app.post('/auth/sign-out', async (request, reply) => {
    await service.signOut(request.body as never);
    return reply.status(204).send();
  });
  app.post('/auth/sign-out-everywhere', auth, async (request) => ({
    revokedSessions: await service.signOutEverywhere(principalOf(request)),
  }));

  app.get('/me', auth, async (request) => service.getUser(principalOf(request)));
  app.post('/me/password', auth, async (request) =>
    service.changePassword(principalOf(request), request.body as never, origin(request.ip)),
  );
  app.post('/me/totp', auth, async (request) => service.enrolTotp(principalOf(request)));
  app.post('/me/totp/activate', auth, async (request) =>
    service.activateTotp(principalOf(request), request.body as never),
  );
  app.post('/me/totp/disable', auth, async (request, reply) => {
    await service.disableTotp(principalOf(request), request.body as never);
    return reply.status(204).send();
  });
  app.post('/me/totp/recovery-codes', auth, async (request) =>
    service.regenerateRecoveryCodes(principalOf(request), request.body as never),
  );
}
