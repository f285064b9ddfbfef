/**
 * @module The strategy routes under `/api/v1`: strategies and their immutable versions
 * (`/strategies…`, scopes `strategies:read|write`), and backtests (`/backtests…`, in
 * backtest-routes.ts: run and cancel need `backtests:run`, reading needs `strategies:read`). Every read is scoped by the caller:
 * another user's strategy or run is 404. Every check runs before anything is written, so bad
 * input changes nothing. Quotas: stored strategies and backtests per day from identity's tier
 * table, concurrent jobs and sandbox limits from `strategy.tiers`.
 */
import { principalOf } from '@tickline/identity';
import { TicklineError, uuidv7 } from '@tickline/kernel';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  CompiledSchema,
  CreatedStrategySchema,
  NoContentSchema,
  SavedVersionSchema,
  StrategyApiTypesSchema,
  StrategyListSchema,
  StrategyResponseSchema,
  StrategyVersionListSchema,
  StrategyVersionResponseSchema,
  RouteAccess,
} from '@tickline/protocol';
import { z } from 'zod';
import { STRATEGY_API_DTS } from '../api/strategy-api-dts.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
// Declares the codes these routes throw, so the error handler knows their statuses.
import '../module/strategy-api-errors.ts';

import { registerBacktestRoutes } from './backtest-routes.ts';
import { createStrategyActions, SaveVersionBody } from './strategy-actions.ts';
import { registerResearchRoutes } from './research-routes.ts';
import { registerResearchUseRoutes } from './research-use-routes.ts';
import { registerCandleUploadRoutes } from './candle-upload-routes.ts';
import { registerHistoryDownloadRoutes } from './history-download-routes.ts';
import {
  IdParams,
  routeGuards,
  security,
  Source,
  Language,
  STRATEGY_SCOPES,
  TAGS,
  VersionParams,
  strategyJson,
  versionJson,
} from './route-shapes.ts';
export { STRATEGY_SCOPES, drawdownOf } from './route-shapes.ts';

/** The routes plugin; register it with `{ prefix: '/api/v1' }`. */
export function strategyRoutes(host: StrategyHost): FastifyPluginAsync {
  const { repository } = host;
  // What the handlers do is in strategy-actions.ts, which GraphQL's resolvers call too.
  const actions = createStrategyActions(host);
  const retryAfter = (reply: FastifyReply) => (seconds: number) =>
    void reply.header('retry-after', String(seconds));
  const compile = (
    source: string,
    language: 'typescript' | 'javascript',
    userId: string,
    reply: FastifyReply,
  ) => actions.compile(source, language, userId, retryAfter(reply));

  return async function strategyRoutesPlugin(root) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const { guarded } = routeGuards(host);

    app.get(
      '/strategies/api-types',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'The published strategy API as a TypeScript declaration file',
          description:
            'For editors: load `declarations` as `tickline-strategy.d.ts` to type-check strategy code.',
          tags: TAGS,
          response: { 200: StrategyApiTypesSchema },
        },
      },
      async () => ({ filename: 'tickline-strategy.d.ts', declarations: STRATEGY_API_DTS }),
    );

    app.post(
      '/strategies/compile',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Check strategy code without saving it',
          description:
            'Strips types, parses and loads the module in a sandbox. Errors are 4xx with `details.line` and `details.column` when known.',
          tags: TAGS,
          security,
          body: z.object({ source: Source, language: Language }).strict(),
          response: { 200: CompiledSchema },
        },
      },
      async (request, reply) => {
        const { params } = await compile(
          request.body.source,
          request.body.language,
          principalOf(request).userId,
          reply,
        );
        return { ok: true as const, params };
      },
    );

    app.get(
      '/strategies',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: { summary: 'Your strategies', tags: TAGS, security, response: { 200: StrategyListSchema } },
      },
      async (request) => {
        const list = await repository.listStrategies(principalOf(request).userId);
        return { strategies: list.map(strategyJson) };
      },
    );

    app.post(
      '/strategies',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Create a strategy with its first version',
          description:
            "The code is compiled first; a syntax or definition error is 422 with line and column and creates nothing. 403 STRATEGY_QUOTA_STRATEGIES at the tier's maxStrategies.",
          tags: TAGS,
          security,
          body: z
            .object({
              name: z.string().trim().min(1).max(100),
              description: z.string().max(2_000).optional(),
              source: Source,
              language: Language,
            })
            .strict(),
          response: { 201: CreatedStrategySchema },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const body = request.body;
        const full = () =>
          new TicklineError(
            'STRATEGY_QUOTA_STRATEGIES',
            `the ${principal.tier} tier stores at most ${principal.limits.maxStrategies} strategies`,
            { details: { limit: principal.limits.maxStrategies, tier: principal.tier } },
          );
        // A quick refusal before the compile; the quota itself is taken with the insert.
        if ((await repository.countStrategies(principal.userId)) >= principal.limits.maxStrategies)
          throw full();
        const compiled = await compile(body.source, body.language, principal.userId, reply);
        const now = new Date(host.clock.now());
        const strategy = await repository.createStrategyWithinQuota(
          {
            id: uuidv7(),
            userId: principal.userId,
            name: body.name,
            ...(body.description === undefined ? {} : { description: body.description }),
            now,
          },
          principal.limits.maxStrategies,
        );
        if (strategy === undefined) throw full();
        const version = await repository
          .saveVersion({
            userId: principal.userId,
            strategyId: strategy.id,
            source: body.source,
            js: compiled.js,
            language: body.language,
            params: compiled.params,
            now,
            quota: actions.codeQuota(principal),
          })
          .catch(async (error: unknown) => {
            // Past the account's stored bytes: nothing is created, not an empty strategy.
            await repository.deleteStrategy(principal.userId, strategy.id);
            throw error;
          });
        reply.status(201);
        return {
          strategy: { ...strategyJson(strategy), latestVersion: version.version },
          version: versionJson(version),
        };
      },
    );

    app.get(
      '/strategies/:id',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: {
          summary: 'A strategy',
          tags: TAGS,
          security,
          params: IdParams,
          response: { 200: StrategyResponseSchema },
        },
      },
      async (request) => {
        const s = await repository.getStrategy(principalOf(request).userId, request.params.id);
        return { strategy: strategyJson(s) };
      },
    );

    app.delete(
      '/strategies/:id',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Delete a strategy, its versions and its runs',
          tags: TAGS,
          security,
          params: IdParams,
          response: { 204: NoContentSchema },
        },
      },
      async (request, reply) => {
        await repository.deleteStrategy(principalOf(request).userId, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/strategies/:id/versions',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: {
          summary: 'Versions of a strategy, oldest first',
          tags: TAGS,
          security,
          params: IdParams,
          response: { 200: StrategyVersionListSchema },
        },
      },
      async (request) => {
        const versions = await repository.listVersions(principalOf(request).userId, request.params.id);
        return { versions: versions.map(versionJson) };
      },
    );

    app.post(
      '/strategies/:id/versions',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Save a new immutable version',
          description: 'Compiled first: an error is 422 with line and column and saves nothing.',
          tags: TAGS,
          security,
          params: IdParams,
          body: SaveVersionBody,
          response: { 201: SavedVersionSchema },
        },
      },
      async (request, reply) => {
        const version = await actions.saveVersion(
          principalOf(request),
          request.params.id,
          request.body,
          retryAfter(reply),
        );
        reply.status(201);
        return { version: versionJson(version) };
      },
    );

    app.get(
      '/strategies/:id/versions/:n',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: {
          summary: 'One version with its source',
          tags: TAGS,
          security,
          params: VersionParams,
          response: { 200: StrategyVersionResponseSchema },
        },
      },
      async (request) => {
        const v = await repository.getVersion(
          principalOf(request).userId,
          request.params.id,
          request.params.n,
        );
        return { version: { ...versionJson(v), source: v.source } };
      },
    );
    registerBacktestRoutes(root, host);
    registerResearchRoutes(root, host);
    registerResearchUseRoutes(root, host, actions);
    registerCandleUploadRoutes(root, host);
    registerHistoryDownloadRoutes(root, host);
  };
}
