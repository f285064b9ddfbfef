/**
 * @module The accounts as a domain module (part of strategy, which owns portfolios): the initial
 * snapshot flow, `POST /api/v1/accounts` and `GET /api/v1/accounts/me/snapshot`, and delivery of
 * `account.snapshot.generated` to `user:{id}`. No config section of its own.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { accountDelivery } from './account-delivery.ts';
import { accountRoutes } from './accounts-routes.ts';
import { ACCOUNTS_MIGRATIONS_DIR } from './migrations-dir.ts';
import { createAccountsHost, type AccountsHost, type AccountsHostDeps } from './accounts-host.ts';

export const accountsModule: DomainModule<
  string,
  z.ZodType,
  AccountsHostDeps,
  AccountsHost,
  FastifyPluginAsyncZod
> = {
  name: 'accounts',
  migrations: ACCOUNTS_MIGRATIONS_DIR,
  after: ['identity'],
  createHost: createAccountsHost,
  routes: (host) => accountRoutes({ identity: host.identity.identity, sql: host.sql }),
  channels: () => accountDelivery,
};
