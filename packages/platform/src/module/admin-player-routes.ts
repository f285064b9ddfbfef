/**
 * @module Operations API, players: search (`GET /admin/players?query=`), one player with its
 * sessions and live state, and its movement history. Every lookup is audited.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { actorOf, ADMIN_SECURITY, adminOnly } from './admin-guard.ts';
import {
  MovementQuerySchema,
  MovementsSchema,
  PlayerDetailSchema,
  PlayerListSchema,
  PlayerParamsSchema,
  PlayerQuerySchema,
} from './admin-schemas.ts';
import type { AdminRoutesOptions } from './admin-stream-routes.ts';

const TAGS = ['admin'];

export function registerAdminPlayerRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { operations } = options;
  const adminRoute = adminOnly(options.identity);
  const doc = (summary: string) => ({ summary, tags: TAGS, security: ADMIN_SECURITY });

  app.get(
    '/admin/players',
    {
      ...adminRoute,
      schema: {
        ...doc('Find players by id or email, most recently seen first'),
        querystring: PlayerQuerySchema,
        response: { 200: PlayerListSchema },
      },
    },
    async function players(request) {
      const { query, online, limit } = request.query as z.output<typeof PlayerQuerySchema>;
      const players = await operations.searchPlayers(actorOf(request), {
        ...(query === undefined ? {} : { query }),
        ...(online === undefined ? {} : { online: online === 'true' }),
        ...(limit === undefined ? {} : { limit }),
      });
      return { players };
    },
  );
  app.get(
    '/admin/players/:id',
    {
      ...adminRoute,
      schema: {
        ...doc('One player: profile, projected state, recent sessions and live state'),
        params: PlayerParamsSchema,
        response: { 200: PlayerDetailSchema },
      },
    },
    async function player(request) {
      const { id } = request.params as z.output<typeof PlayerParamsSchema>;
      return operations.player(actorOf(request), id);
    },
  );
  app.get(
    '/admin/players/:id/movements',
    {
      ...adminRoute,
      schema: {
        ...doc('The player’s movement history, newest first'),
        params: PlayerParamsSchema,
        querystring: MovementQuerySchema,
        response: { 200: MovementsSchema },
      },
    },
    async function movements(request) {
      const { id } = request.params as z.output<typeof PlayerParamsSchema>;
      const { since, until, limit } = request.query as z.output<typeof MovementQuerySchema>;
      const movements = await operations.movements(actorOf(request), id, {
        ...(since === undefined ? {} : { since: new Date(since) }),
        ...(until === undefined ? {} : { until: new Date(until) }),
        ...(limit === undefined ? {} : { limit }),
      });
      return { movements };
    },
  );
}
