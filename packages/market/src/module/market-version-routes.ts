/**
 * @module The data-version and corporate-action routes under `/api/v1/markets/{symbol}`: a
 * symbol's data versions and its corporate actions (public, read-only), and storing actions from
 * an import (admin: market history is shared by every user).
 */
import type { RequestAuth } from '@tickline/kernel';
import { ApiKeyScope, RouteAccess } from '@tickline/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listCorporateActions, storeCorporateActions } from '../corporate-actions/actions-store.ts';
import { MarketError } from '../port/errors.ts';
import type { CorporateActionProvider } from './corporate-action-provider.ts';
import { dataVersionAt, listDataVersions } from '../versions/data-versions.ts';
import type { MarketReads } from './market-reads.ts';
import {
  ActionsQuerySchema,
  CorporateActionsBodySchema,
  CorporateActionsFetchBodySchema,
  CorporateActionsResponseSchema,
  CorporateActionsStoredSchema,
  DataVersionsResponseSchema,
  SymbolParamsSchema,
  VersionsQuerySchema,
} from './market-route-schemas.ts';
import type { MarketView } from './market-view.ts';
import { definedOnly, MARKET_TAGS as TAGS, type Input } from './route-input.ts';

const ADMIN_SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

/** Options for {@link registerMarketVersionRoutes}. */
export interface MarketVersionRoutesOptions {
  view: MarketView;
  auth: RequestAuth<FastifyRequest>;
  reads: MarketReads;
  /** Where `…/corporate-actions/fetch` asks (market-host.ts). */
  corporateActions?: CorporateActionProvider | undefined;
}

export function registerMarketVersionRoutes(app: FastifyInstance, options: MarketVersionRoutesOptions): void {
  const { view, reads } = options;
  const symbolOf = (request: FastifyRequest) => (request.params as Input<typeof SymbolParamsSchema>).symbol;

  app.get(
    '/markets/:symbol/versions',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: "A symbol's data versions",
        description:
          'Newest first: every import, upload, download and deletion of its history and every corporate-action import. Read candles as of one with `GET …/candles?asOf={id}`.',
        tags: TAGS,
        params: SymbolParamsSchema,
        querystring: VersionsQuerySchema,
        response: { 200: DataVersionsResponseSchema },
      },
    },
    async function versionsRoute(request) {
      const symbol = await reads.knownSymbol(symbolOf(request));
      const q = request.query as Input<typeof VersionsQuerySchema>;
      return { symbol, versions: await listDataVersions(view.reads, { symbol, ...definedOnly(q) }) };
    },
  );

  app.get(
    '/markets/:symbol/corporate-actions',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: "A symbol's splits and cash dividends",
        description: 'By ex date. A `flagged` action contradicts the stored prices and is not applied (`reason`).',
        tags: TAGS,
        params: SymbolParamsSchema,
        querystring: ActionsQuerySchema,
        response: { 200: CorporateActionsResponseSchema },
      },
    },
    async function actionsRoute(request) {
      const symbol = await reads.knownSymbol(symbolOf(request));
      const q = request.query as Input<typeof ActionsQuerySchema>;
      const version = q.asOf ?? (q.asOfTime === undefined ? undefined : await dataVersionAt(view.reads, q.asOfTime));
      return { symbol, actions: await listCorporateActions(view.reads, symbol, version) };
    },
  );

  app.post(
    '/markets/:symbol/corporate-actions',
    {
      config: { scope: ApiKeyScope.Admin },
      preHandler: (request: FastifyRequest) => options.auth.authenticate(request),
      schema: {
        summary: 'Store splits and cash dividends of a symbol (admin)',
        description:
          'One data version. An action already stored for the symbol, kind and ex date is kept as it was (`duplicates`); a split the stored prices contradict is stored `flagged` and not applied.',
        tags: TAGS,
        security: ADMIN_SECURITY,
        params: SymbolParamsSchema,
        body: CorporateActionsBodySchema,
        response: { 200: CorporateActionsStoredSchema },
      },
    },
    async function storeActionsRoute(request) {
      options.auth.admin(request);
      const symbol = await reads.knownSymbol(symbolOf(request));
      const body = request.body as Input<typeof CorporateActionsBodySchema>;
      return { symbol, ...(await storeCorporateActions(view.sql, symbol, body.actions, body.source)) };
    },
  );

  app.post(
    '/markets/:symbol/corporate-actions/fetch',
    {
      config: { scope: ApiKeyScope.Admin },
      preHandler: (request: FastifyRequest) => options.auth.authenticate(request),
      schema: {
        summary: "Fetch and store a symbol's splits and cash dividends from its provider (admin)",
        description:
          "The configured Alpaca source's `GET /v1/corporate-actions` for a US share, ex dates in [start, end]; stored as `POST …/corporate-actions` stores them (source `alpaca`). 409 MARKET_CORPORATE_ACTIONS_UNAVAILABLE without a provider for the symbol; 502 MARKET_VENUE_FAILED when the provider fails.",
        tags: TAGS,
        security: ADMIN_SECURITY,
        params: SymbolParamsSchema,
        body: CorporateActionsFetchBodySchema,
        response: { 200: CorporateActionsStoredSchema },
      },
    },
    async function fetchActionsRoute(request) {
      options.auth.admin(request);
      const symbol = await reads.knownSymbol(symbolOf(request));
      const provider = options.corporateActions;
      if (!provider?.covers(symbol))
        throw new MarketError('MARKET_CORPORATE_ACTIONS_UNAVAILABLE', `no source provides corporate actions for ${symbol}`, {
          details: { symbol },
        });
      const body = request.body as Input<typeof CorporateActionsFetchBodySchema>;
      let actions;
      try {
        actions = await provider.fetch(symbol, body);
      } catch (error) {
        throw new MarketError('MARKET_VENUE_FAILED', `${provider.name} corporate actions: ${(error as Error).message}`, {
          details: { venue: provider.name, symbol },
          cause: error,
        });
      }
      return { symbol, ...(await storeCorporateActions(view.sql, symbol, actions, provider.name)) };
    },
  );
}
