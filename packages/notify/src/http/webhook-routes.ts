/**
 * @module `/webhooks`: endpoints (the secret is shown once, at creation and rotation), a test
 * send, the delivery-attempt log, and resend of one notification or of everything since a time.
 */
import {
  CreatedWebhookSchema,
  QueuedSchema,
  QueuedTestSchema,
  RotatedSecretSchema,
  WebhookAttemptsSchema,
  WebhookEndpointSchema as Endpoint,
  WebhookFormatSchema as Format,
  ApiKeyScope,
} from '@tickline/protocol';
import { z } from 'zod';
import { NoContent, TAGS, type RouteContext, type TypedApp } from './route-types.ts';

const IdParams = z.object({ id: z.uuid() });
// Over-long URLs get NOTIFY_URL_REJECTED from the API, not a generic 400: the bound here only
// keeps absurd bodies out.
const Url = z.string().min(1).max(65_536);

const view = <T extends { userId?: string }>(e: T) => {
  const { userId: _owner, ...rest } = e;
  return rest;
};

export function registerWebhookRoutes(app: TypedApp, { api, actor }: RouteContext): void {
  app.get(
    '/webhooks',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: {
        summary: 'Your webhook endpoints',
        tags: TAGS,
        response: { 200: z.object({ endpoints: z.array(Endpoint) }) },
      },
    },
    async (request) => ({ endpoints: (await api.listEndpoints(await actor(request))).map(view) }),
  );
  app.post(
    '/webhooks',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Add an endpoint; the signing secret is in this response only',
        tags: TAGS,
        body: z.strictObject({
          url: Url,
          format: Format.optional(),
          kinds: z.array(z.string().max(64)).max(20).optional(),
        }),
        response: { 201: CreatedWebhookSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await api.createEndpoint(await actor(request), {
        url: b.url,
        ...(b.format ? { format: b.format } : {}),
        ...(b.kinds ? { kinds: b.kinds } : {}),
      });
      return reply.status(201).send({ endpoint: view(created.endpoint), secret: created.secret });
    },
  );
  app.get(
    '/webhooks/:id',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: { summary: 'One endpoint', tags: TAGS, params: IdParams, response: { 200: Endpoint } },
    },
    async (request) => view(await api.getEndpoint(await actor(request), request.params.id)),
  );
  app.patch(
    '/webhooks/:id',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Change URL, format or kinds; enable a disabled endpoint',
        tags: TAGS,
        params: IdParams,
        body: z.strictObject({
          url: Url.optional(),
          format: Format.optional(),
          kinds: z.array(z.string().max(64)).max(20).optional(),
          enabled: z.boolean().optional(),
        }),
        response: { 200: Endpoint },
      },
    },
    async (request) => {
      const b = request.body;
      return view(
        await api.updateEndpoint(await actor(request), request.params.id, {
          ...(b.url !== undefined ? { url: b.url } : {}),
          ...(b.format !== undefined ? { format: b.format } : {}),
          ...(b.kinds !== undefined ? { kinds: b.kinds } : {}),
          ...(b.enabled !== undefined ? { enabled: b.enabled } : {}),
        }),
      );
    },
  );
  app.delete(
    '/webhooks/:id',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Delete an endpoint',
        tags: TAGS,
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await api.deleteEndpoint(await actor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/webhooks/:id/rotate-secret',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'New secret (shown once); the old one keeps signing alongside for the overlap',
        tags: TAGS,
        params: IdParams,
        response: { 200: RotatedSecretSchema },
      },
    },
    async (request) => api.rotateSecret(await actor(request), request.params.id),
  );
  app.delete(
    '/webhooks/:id/previous-secret',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Stop the previous secret signing now (after a rotation, when it leaked)',
        tags: TAGS,
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await api.revokePreviousSecret(await actor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/webhooks/:id/test',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Queue a test notification to this endpoint',
        tags: TAGS,
        params: IdParams,
        response: { 202: QueuedTestSchema },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await api.testEndpoint(await actor(request), request.params.id)),
  );
  app.get(
    '/webhooks/:id/attempts',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: {
        summary: 'Delivery attempts, newest first',
        tags: TAGS,
        params: IdParams,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: WebhookAttemptsSchema },
      },
    },
    async (request) => ({
      attempts: await api.attempts(await actor(request), request.params.id, {
        limit: request.query.limit,
        ...(request.query.before ? { before: request.query.before } : {}),
      }),
    }),
  );
  app.post(
    '/webhooks/:id/resend',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Send one notification again, or every one sent since a time',
        tags: TAGS,
        params: IdParams,
        body: z.union([
          z.strictObject({ notificationId: z.uuid() }),
          z.strictObject({ since: z.iso.datetime({ offset: true }) }),
        ]),
        response: { 202: QueuedSchema },
      },
    },
    async (request, reply) => {
      const who = await actor(request);
      const body = request.body;
      const queued =
        'notificationId' in body
          ? await api.resend(who, request.params.id, body.notificationId)
          : await api.resendSince(who, request.params.id, new Date(body.since));
      return reply.status(202).send({ queued });
    },
  );
}
