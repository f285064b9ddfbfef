/**
 * @module Operations API, live strategies: every strategy process with the runs it holds (state,
 * CPU time, failures, the last error) and an admin pause of one run, both over request/reply to
 * the strategy processes (503 `EVLOG_RPC_NO_RESPONDER` naming the `strategy` role when none
 * answers). The pause is audited.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { actorOf, ADMIN_SECURITY, adminOnly } from './admin-guard.ts';
import {
  AdminLivePausedSchema,
  AdminLiveStrategiesSchema,
  AdminPauseLiveBodySchema,
  LiveRunParamsSchema,
} from './admin-schemas.ts';
import type { AdminRoutesOptions } from './admin-stream-routes.ts';

const TAGS = ['admin'];

export function registerAdminLiveRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { operations } = options;
  const adminRoute = adminOnly(options.identity);
  const doc = (summary: string) => ({ summary, tags: TAGS, security: ADMIN_SECURITY });

  app.get(
    '/admin/live-strategies',
    {
      ...adminRoute,
      schema: {
        ...doc('Running live strategies per strategy process, with CPU time and errors'),
        response: { 200: AdminLiveStrategiesSchema },
      },
    },
    async function liveStrategies() {
      return operations.liveStrategies();
    },
  );
  app.post(
    '/admin/live-strategies/:id/pause',
    {
      ...adminRoute,
      schema: {
        ...doc('Pause a live strategy on whichever strategy process runs it'),
        params: LiveRunParamsSchema,
        body: AdminPauseLiveBodySchema.nullish(),
        response: { 200: AdminLivePausedSchema },
      },
    },
    async function pauseLiveStrategy(request) {
      const { id } = request.params as z.output<typeof LiveRunParamsSchema>;
      const { reason } = AdminPauseLiveBodySchema.parse(request.body ?? {});
      return operations.pauseLiveStrategy(actorOf(request), id, reason);
    },
  );
}
