/**
 * @module Force exit and stop-entry of a live run, under `/api/v1/live-strategies/{id}`: close one
 * position or all of a run's at market (the answer waits a few seconds for the fill and shows it),
 * and stop a run's new entries while its exits keep running (run-exit.ts). Registered by
 * live-routes.ts inside its plugin, with its caller and actions.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKeyScope, LiveRunResponseSchema, OrdersResponseSchema } from '@tickline/protocol';
import { LiveSymbol, type LiveActions } from './live-actions.ts';
import type { LiveCaller } from './live-options.ts';

/** How long a force exit's answer waits for its market orders to fill. @default 5 s */
export const FORCE_EXIT_WAIT_MS = 5_000;

const RunParams = z.object({ id: z.string().min(1).max(200) });

/** Adds the routes to `fastify` (inside the live routes' plugin). */
export function exitRoutes(
  fastify: FastifyInstance,
  callerOf: (request: FastifyRequest) => Promise<LiveCaller>,
  actions: LiveActions,
  waitMs: number = FORCE_EXIT_WAIT_MS,
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/live-strategies/:id/force-exit',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: "Close a live run's positions at market",
        description:
          "Cancels the run's working entries (orders that would open or grow a position: answered with status `cancelled`), then sells (or buys back) the run's own position in `symbol`, or in every symbol without it, at market. The run's engine books the fill as an exit with reason `force_exit`. The answer waits a few seconds for the fills: an order still `new` fills at the next price. No position and no entry working: no orders.",
        params: RunParams,
        body: z.strictObject({ symbol: LiveSymbol.optional() }).default({}),
        response: { 200: OrdersResponseSchema },
      },
    },
    async (request) => ({
      orders: await actions.forceExit(
        await callerOf(request),
        request.params.id,
        request.body.symbol,
        waitMs,
      ),
    }),
  );

  app.post(
    '/live-strategies/:id/stop-entry',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: "Stop (or allow again) a live run's new entries",
        description:
          'With `on: true` the run keeps deciding, and its exits (a sell of a long, its stops) are placed, but an order that would open or grow a position is not: the strategy sees it done at once, and the run logs a `stop-entry:` line. Kept across a pause and resume; `on: false` lifts it (the owner only).',
        params: RunParams,
        body: z.strictObject({ on: z.boolean() }),
        response: { 200: LiveRunResponseSchema },
      },
    },
    async (request) => ({
      run: await actions.stopEntry(await callerOf(request), request.params.id, request.body.on),
    }),
  );
}
