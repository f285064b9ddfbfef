/**
 * @module Identity as a domain module: the `auth` config section, the host (service, first-run
 * admin, session purge) and the `/api/v1` routes (sign-up, sign-in, 2FA, API keys, admin, OIDC).
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsync } from 'fastify';
import { identityConfig, IDENTITY_MIGRATIONS_DIR } from '../config.ts';
import { identityRoutes } from '../http/identity-routes.ts';
import { createIdentityHost, type IdentityHost, type IdentityHostDeps } from './identity-host.ts';
import { IdentityErrorCodes } from '../errors.ts';
import { IDENTITY_EVENTS } from '../events.ts';

export const identityModule: DomainModule<
  typeof identityConfig.key,
  typeof identityConfig.schema,
  IdentityHostDeps,
  IdentityHost,
  FastifyPluginAsync
> = {
  name: 'identity',
  events: IDENTITY_EVENTS,
  errors: [IdentityErrorCodes],
  config: identityConfig,
  migrations: IDENTITY_MIGRATIONS_DIR,
  after: [],
  createHost: createIdentityHost,
  routes: (host) =>
    async function identityApi(app) {
      await app.register(identityRoutes, {
        service: host.identity,
        secureCookies: host.secureCookies,
        mailsVerificationLinks: host.mailsVerificationLinks,
      });
    },
};
