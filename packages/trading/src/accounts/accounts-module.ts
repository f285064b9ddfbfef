/**
 * @module The accounts as a domain module (part of trading, which owns portfolios): the initial
 * snapshot flow, `POST /api/v1/accounts` and `GET /api/v1/accounts/me/snapshot`, and delivery of
 * `account.snapshot.generated` to `user:{id}`. No config section of its own.
 */
import type { DomainModule } from '@tickline/kernel';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { accountDelivery } from './account-delivery.ts';
import { accountRoutes } from './accounts-routes.ts';
import { createAccountsHost, type AccountsHost, type AccountsHostDeps } from './accounts-host.ts';
import { ACCOUNT_EVENTS } from './account-events.ts';

export const accountsModule: DomainModule<
  string,
  z.ZodType,
  AccountsHostDeps,
  AccountsHost,
  FastifyPluginAsyncZod
> = {
  name: 'accounts',
  events: ACCOUNT_EVENTS,
  // Its table (0003) is in the package's migrations folder, which tradingModule composes.
  migrations: undefined,
  after: ['identity'],
  createHost: createAccountsHost,
  routes: (host) => accountRoutes({ identity: host.identity.identity, sql: host.sql }),
  channels: () => accountDelivery,
};
