/**
 * @module The venue routes under `/api/v1` (an encapsulated Fastify plugin, zod schemas inline):
 * read a portfolio's venue, bind it to Binance spot with an API key (checked at the venue first),
 * or put it back on paper. The key and secret are accepted in the bind request only; no answer
 * carries them and nothing logs them. Another user's portfolio is 404, as for every portfolio route.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiKeyScope,
  BindVenueBodySchema,
  ErrorBodySchema,
  PortfolioVenueResponseSchema,
} from '@tickline/protocol';
import { BrokerErrorCodes } from '../broker/errors.ts';
import { LiveErrorCodes } from '../live/errors.ts';
import type { AdminMay } from '../live-http/live-actions.ts';
import type { LiveCaller } from '../live-http/live-options.ts';
import { declaredCallers } from '../live-http/route-support.ts';
import {
  ReconciliationReportSchema,
  ReconciliationsResponseSchema,
} from '../reconcile/reconciliation-schema.ts';
import type { VenueActions } from './venue-actions.ts';
import { VenueErrorCodes } from './venue-errors.ts';

/** Options of {@link venueRoutes}. */
export interface VenueRoutesOptions {
  authenticate: (request: FastifyRequest, scope: ApiKeyScope) => Promise<LiveCaller>;
  /** @throws STRATEGY_PORTFOLIO_NOT_FOUND, STRATEGY_OWNER_ONLY (the live routes' own check) */
  owned: (caller: LiveCaller, portfolioId: string, admin: AdminMay) => Promise<void>;
  venues: VenueActions;
}

const PortfolioParams = z.object({ portfolioId: z.string().min(1).max(100) });
const ReconciliationsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
const Refusals = {
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  422: ErrorBodySchema,
  503: ErrorBodySchema,
};

/** See the module comment. */
export const venueRoutes: FastifyPluginAsync<VenueRoutesOptions> = async (fastify, o) => {
  const callerOf = declaredCallers(fastify, o.authenticate);
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // The catalogues these routes throw from, named so they are registered with the kernel.
  void [VenueErrorCodes, BrokerErrorCodes, LiveErrorCodes];

  app.get(
    '/portfolios/:portfolioId/venue',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: "The portfolio's venue (paper or a live one), with the account's balances at a live venue",
        params: PortfolioParams,
        response: { 200: PortfolioVenueResponseSchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      await o.owned(await callerOf(request), request.params.portfolioId, 'oversee');
      return o.venues.get(request.params.portfolioId);
    },
  );

  app.put(
    '/portfolios/:portfolioId/venue',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary:
          'Bind the portfolio to Binance spot with an API key (refused when the key can withdraw or cannot trade spot), or back to paper',
        params: PortfolioParams,
        body: BindVenueBodySchema,
        response: { 200: PortfolioVenueResponseSchema, ...Refusals },
      },
    },
    async (request) => {
      const caller = await callerOf(request);
      await o.owned(caller, request.params.portfolioId, 'own');
      return o.venues.bind(caller.userId, request.params.portfolioId, request.body);
    },
  );

  app.get(
    '/portfolios/:portfolioId/reconciliations',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary:
          "The portfolio's reconciliation reports (its books compared with its venue's report), latest first",
        params: PortfolioParams,
        querystring: ReconciliationsQuery,
        response: { 200: ReconciliationsResponseSchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      await o.owned(await callerOf(request), request.params.portfolioId, 'oversee');
      return o.venues.reconciliations(request.params.portfolioId, request.query.limit);
    },
  );

  app.post(
    '/portfolios/:portfolioId/reconciliations',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary:
          'Reconcile the portfolio with its venue now (paper or live): each difference corrected by an event; answers the report',
        params: PortfolioParams,
        response: { 200: ReconciliationReportSchema, 404: ErrorBodySchema, 503: ErrorBodySchema },
      },
    },
    async (request) => {
      await o.owned(await callerOf(request), request.params.portfolioId, 'own');
      return o.venues.reconcile(request.params.portfolioId);
    },
  );

  app.delete(
    '/portfolios/:portfolioId/venue',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: 'Put the portfolio back on paper; its stored key is deleted',
        params: PortfolioParams,
        response: { 200: PortfolioVenueResponseSchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (request) => {
      await o.owned(await callerOf(request), request.params.portfolioId, 'own');
      return o.venues.unbind(request.params.portfolioId);
    },
  );
};
