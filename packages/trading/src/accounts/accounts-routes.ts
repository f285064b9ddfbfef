/**
 * @module Accounts: `POST /accounts` (sign-up: the account is stored, `account.created` goes to the
 * publisher and the response returns at once — the snapshot is made asynchronously) and
 * `GET /accounts/me/snapshot` (the initial portfolio snapshot, `pending` until generated).
 */
import {
  requireAuthentication,
  principalOf,
  requestOrigin,
  SignedInSchema,
  SignUpInputSchema,
  type IdentityService,
} from '@tickline/identity';
import { AccountSnapshotStatusSchema, RouteAccess, ApiKeyScope } from '@tickline/protocol';
import type { SqlQueryable } from '@tickline/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findSnapshot } from './snapshot-store.ts';

const CREDENTIALS: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

/** Options for {@link accountRoutes}. */
export interface AccountRoutesOptions {
  identity: IdentityService;
  sql: SqlQueryable;
}

/** The routes as an encapsulated plugin, mounted under `/api/v1`. */
export function accountRoutes(options: AccountRoutesOptions): FastifyPluginAsyncZod {
  const { identity } = options;
  return async function accounts(app) {
    app.post(
      '/accounts',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'Create an account (sign-up) and sign in',
          description:
            'Publishes `account.created`; the initial portfolio snapshot is generated asynchronously and announced as `account.snapshot.generated` on the `user:{id}` stream channel. The response does not wait for it.',
          tags: ['account'],
          body: SignUpInputSchema,
          response: { 201: SignedInSchema },
        },
      },
      async function createAccount(request, reply) {
        reply.status(201);
        return identity.signUp(request.body, requestOrigin(request));
      },
    );
    app.get(
      '/accounts/me/snapshot',
      {
        config: { scope: ApiKeyScope.PortfolioRead },
        preHandler: requireAuthentication(identity),
        schema: {
          summary: "The caller's initial portfolio snapshot",
          tags: ['account'],
          security: CREDENTIALS,
          response: { 200: AccountSnapshotStatusSchema },
        },
      },
      async function accountSnapshot(request) {
        const snapshot = await findSnapshot(options.sql, principalOf(request).userId);
        return snapshot ? { status: 'ready' as const, snapshot } : { status: 'pending' as const };
      },
    );
  };
}
