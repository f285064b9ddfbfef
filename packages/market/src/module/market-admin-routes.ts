/**
 * @module The admin market routes: scheduled job status, running a job now, the quarantine of
 * rejected messages, and the archive tier's files. Each needs an admin (role, and the `admin`
 * scope for an API key).
 */
import type { RequestAuth } from '@tickline/kernel';
import { MarketError } from '../port/errors.ts';
import { queryQuarantine } from '../storage/quarantine.ts';
import { archiveView } from './market-archive-view.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  JobParamsSchema,
  JobRunResponseSchema,
  JobsResponseSchema,
  ArchiveQuerySchema,
  MarketArchiveResponseSchema,
  QuarantineQuerySchema,
  QuarantineResponseSchema,
} from './market-route-schemas.ts';
import type { MarketView } from './market-view.ts';
import { definedOnly, MARKET_TAGS as TAGS, type Input } from './route-input.ts';
import { ApiKeyScope } from '@tickline/protocol';

const ADMIN_SECURITY: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

/** Options for {@link registerMarketAdminRoutes}. */
export interface MarketAdminRoutesOptions {
  view: MarketView;
  auth: RequestAuth<FastifyRequest>;
}

export function registerMarketAdminRoutes(app: FastifyInstance, options: MarketAdminRoutesOptions): void {
  const { view } = options;
  const admin = (request: FastifyRequest) => options.auth.authenticate(request);

  app.get(
    '/markets/jobs',
    {
      config: { scope: ApiKeyScope.Admin },
      preHandler: admin,
      schema: {
        summary: 'Scheduled market jobs (admin)',
        tags: TAGS,
        security: ADMIN_SECURITY,
        response: { 200: JobsResponseSchema },
      },
    },
    async function jobsRoute(request) {
      options.auth.admin(request);
      return { jobs: view.jobs?.status() ?? [] };
    },
  );

  app.post(
    '/markets/jobs/:name/run',
    {
      config: { scope: ApiKeyScope.Admin },
      preHandler: admin,
      schema: {
        summary: 'Run a market job now (admin)',
        description: 'Resolves when the run finished. 404 MARKET_JOB_UNKNOWN, 409 MARKET_JOB_RUNNING.',
        tags: TAGS,
        security: ADMIN_SECURITY,
        params: JobParamsSchema,
        response: { 200: JobRunResponseSchema },
      },
    },
    async function runJobRoute(request) {
      options.auth.admin(request);
      const { name } = request.params as Input<typeof JobParamsSchema>;
      if (!view.jobs) {
        throw new MarketError(
          'MARKET_JOB_UNKNOWN',
          `no jobs run in this process (role without the platform part)`,
          {
            details: { job: name },
          },
        );
      }
      return { run: await view.jobs.runNow(name) };
    },
  );

  app.get(
    '/markets/quarantine',
    {
      config: { scope: ApiKeyScope.Admin },
      preHandler: admin,
      schema: {
        summary: 'Rejected market messages (admin)',
        description: 'Newest first.',
        tags: TAGS,
        security: ADMIN_SECURITY,
        querystring: QuarantineQuerySchema,
        response: { 200: QuarantineResponseSchema },
      },
    },
    async function quarantineRoute(request) {
      options.auth.admin(request);
      const q = request.query as Input<typeof QuarantineQuerySchema>;
      return { entries: await queryQuarantine(view.sql, definedOnly(q)) };
    },
  );

  app.get(
    '/markets/archive',
    {
      config: { scope: ApiKeyScope.Admin },
      preHandler: admin,
      schema: {
        summary: 'The archive tier: its files and the size saved (admin)',
        description:
          'Months of recorded candles moved from SQL to Parquet files (market.archive); reads take them back transparently. Newest month first. Archiving runs with the partition-maintenance job (POST /markets/jobs/partition-maintenance/run).',
        tags: TAGS,
        security: ADMIN_SECURITY,
        querystring: ArchiveQuerySchema,
        response: { 200: MarketArchiveResponseSchema },
      },
    },
    async function archiveRoute(request) {
      options.auth.admin(request);
      const q = request.query as Input<typeof ArchiveQuerySchema>;
      return archiveView(view.sql, view.archive, definedOnly(q));
    },
  );
}
