/**
 * @module `/admin/notify/*` (administrators only): recent deliveries with their state and the
 * queue's lag, disabled and failing webhook endpoints, and replay of one delivery. The role is
 * checked before validation, so only admins learn what a bad request is.
 */
import type { FastifyRequest } from 'fastify';
import {
  AdminDeliveriesSchema,
  AdminEndpointsSchema,
  DeliveryStatusSchema,
  NotificationChannelNameSchema,
  ApiKeyScope,
} from '@tickline/protocol';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { NotifyAdminApi } from '../admin/admin-api.ts';

const TAGS = ['notifications', 'admin'];
/** No control characters (CR, LF, tab…): a title is one line. */
// eslint-disable-next-line no-control-regex
const ONE_LINE = /^[^\u0000-\u001f\u007f]*$/;

export interface NotifyAdminRoutesOptions {
  admin: NotifyAdminApi;
  /**
   * Authenticates the request and requires the admin role; throws 401/403 (identity's codes).
   * Resolves with the admin's user id.
   */
  requireAdmin: (request: FastifyRequest) => Promise<string>;
}

/** Mount under `/api/v1`. */
export const notifyAdminRoutes: FastifyPluginAsync<NotifyAdminRoutesOptions> =
  async function notifyAdminRoutes(app, { admin, requireAdmin }) {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
    const admins = new WeakMap<FastifyRequest, string>();
    app.addHook('onRequest', async function requireNotifyAdmin(request) {
      admins.set(request, await requireAdmin(request));
    });
    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.get(
      '/admin/notify/deliveries',
      {
        config: { scope: ApiKeyScope.Admin },
        schema: {
          summary: 'Recent deliveries (newest first), counts per status and the queue lag',
          tags: TAGS,
          querystring: z.strictObject({
            limit: z.coerce.number().int().min(1).max(500).default(100),
            status: DeliveryStatusSchema.optional(),
            channel: NotificationChannelNameSchema.optional(),
            notificationId: z.uuid().optional(),
          }),
          response: { 200: AdminDeliveriesSchema },
        },
      },
      async (request) => {
        const q = request.query;
        return admin.deliveries({
          limit: q.limit,
          ...(q.status ? { status: q.status } : {}),
          ...(q.channel ? { channel: q.channel } : {}),
          ...(q.notificationId ? { notificationId: q.notificationId } : {}),
        });
      },
    );
    typed.get(
      '/admin/notify/endpoints',
      {
        config: { scope: ApiKeyScope.Admin },
        schema: {
          summary: "Every user's disabled or failing webhook endpoints",
          tags: TAGS,
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: AdminEndpointsSchema },
        },
      },
      async (request) => ({ endpoints: await admin.troubledEndpoints(request.query.limit) }),
    );
    typed.post(
      '/admin/notify/deliveries/:id/replay',
      {
        config: { scope: ApiKeyScope.Admin },
        schema: {
          summary: 'Send a delivered or failed delivery again, now',
          tags: TAGS,
          params: z.object({ id: z.uuid() }),
          response: { 202: z.null().describe('Accepted; no body') },
        },
      },
      async (request, reply) => {
        await admin.replay(request.params.id);
        return reply.status(202).send(null);
      },
    );
    typed.post(
      '/admin/notify/notices',
      {
        config: { scope: ApiKeyScope.Admin },
        schema: {
          summary: 'Send a notice to one user, or to every user (delivered by their rules for admin.notice)',
          tags: TAGS,
          body: z.strictObject({
            // One line: a CR or LF would split a webhook consumer's log line, a push notice or an SMS.
            title: z
              .string()
              .trim()
              .min(1)
              .max(200)
              .regex(ONE_LINE, 'a title is one line: no CR, LF or other control characters'),
            message: z.string().trim().min(1).max(4_000),
            userId: z.uuid().optional(),
            urgent: z.boolean().optional(),
          }),
          response: { 202: z.object({ eventId: z.string() }) },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const sent = await admin.sendNotice({
          title: b.title,
          message: b.message,
          ...(b.userId ? { userId: b.userId } : {}),
          severity: b.urgent ? 'urgent' : 'info',
          sentBy: admins.get(request) ?? 'admin',
        });
        return reply.status(202).send(sent);
      },
    );
  };
