/**
 * @module Operations API, zones: status (CCU, tick p50/p99, health), snapshots (list, take now,
 * restore), a notice to players, drain, hand-off to another game process and restart. Delegates to the game runtime of this process
 * (503 `PLATFORM_UNAVAILABLE` where none runs); every change is audited.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { actorOf, ADMIN_SECURITY, adminOnly } from './admin-guard.ts';
import {
  BroadcastInputSchema,
  BroadcastResultSchema,
  DrainedSchema,
  HandedOffSchema,
  DrainInputSchema,
  NoContentSchema,
  RestoredSchema,
  SnapshotListSchema,
  SnapshotParamsSchema,
  SnapshotTakenSchema,
  ZoneParamsSchema,
  ZonesSchema,
} from './admin-schemas.ts';
import type { AdminRoutesOptions } from './admin-stream-routes.ts';

const TAGS = ['admin'];

export function registerAdminZoneRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { operations } = options;
  const adminRoute = adminOnly(options.identity);
  const doc = (summary: string) => ({ summary, tags: TAGS, security: ADMIN_SECURITY });
  const zoneOf = (params: unknown) => (params as z.output<typeof ZoneParamsSchema>).zoneId;

  app.get(
    '/admin/zones',
    {
      ...adminRoute,
      schema: { ...doc('Zones with CCU, tick p50/p99 and health'), response: { 200: ZonesSchema } },
    },
    async function zones() {
      return { zones: await operations.zones() };
    },
  );
  app.get(
    '/admin/zones/:zoneId/snapshots',
    {
      ...adminRoute,
      schema: {
        ...doc('The zone’s snapshots, newest first'),
        params: ZoneParamsSchema,
        response: { 200: SnapshotListSchema },
      },
    },
    async function snapshots(request) {
      return { snapshots: await operations.snapshots(zoneOf(request.params)) };
    },
  );
  app.post(
    '/admin/zones/:zoneId/snapshots',
    {
      ...adminRoute,
      schema: {
        ...doc('Take a snapshot of the zone now'),
        params: ZoneParamsSchema,
        response: { 201: SnapshotTakenSchema },
      },
    },
    async function takeSnapshot(request, reply) {
      reply.status(201);
      return operations.takeSnapshot(actorOf(request), zoneOf(request.params));
    },
  );
  app.post(
    '/admin/zones/:zoneId/snapshots/:snapshotId/restore',
    {
      ...adminRoute,
      schema: {
        ...doc('Restore the zone from a snapshot, replaying its later events'),
        params: SnapshotParamsSchema,
        response: { 200: RestoredSchema },
      },
    },
    async function restoreSnapshot(request) {
      const { zoneId, snapshotId } = request.params as z.output<typeof SnapshotParamsSchema>;
      return operations.restoreSnapshot(actorOf(request), zoneId, snapshotId);
    },
  );
  app.post(
    '/admin/broadcast',
    {
      ...adminRoute,
      schema: {
        ...doc('Show a notice to the players of one zone or all'),
        body: BroadcastInputSchema,
        response: { 200: BroadcastResultSchema },
      },
    },
    async function broadcast(request) {
      const { level, text, zoneId } = request.body as z.output<typeof BroadcastInputSchema>;
      return operations.broadcast(actorOf(request), {
        level,
        text,
        ...(zoneId === undefined ? {} : { zoneId }),
      });
    },
  );
  app.post(
    '/admin/zones/:zoneId/drain',
    {
      ...adminRoute,
      schema: {
        ...doc('Tell the zone’s players, disconnect them, snapshot the final state and stop the zone'),
        params: ZoneParamsSchema,
        body: DrainInputSchema.nullish(),
        response: { 200: DrainedSchema },
      },
    },
    async function drain(request) {
      const { message } = DrainInputSchema.parse(request.body ?? {});
      return operations.drain(actorOf(request), zoneOf(request.params), message);
    },
  );
  app.post(
    '/admin/zones/:zoneId/handoff',
    {
      ...adminRoute,
      schema: {
        ...doc(
          'Move the zone to another game process: final snapshot, players told and resumed there with their sessions',
        ),
        params: ZoneParamsSchema,
        body: DrainInputSchema.nullish(),
        response: { 200: HandedOffSchema },
      },
    },
    async function handOff(request) {
      const { message } = DrainInputSchema.parse(request.body ?? {});
      return operations.handOff(actorOf(request), zoneOf(request.params), message);
    },
  );
  app.post(
    '/admin/zones/:zoneId/restart',
    {
      ...adminRoute,
      schema: {
        ...doc('Start a drained zone again from its latest snapshot'),
        params: ZoneParamsSchema,
        response: { 204: NoContentSchema },
      },
    },
    async function restart(request, reply) {
      await operations.restart(actorOf(request), zoneOf(request.params));
      return reply.status(204).send();
    },
  );
}
