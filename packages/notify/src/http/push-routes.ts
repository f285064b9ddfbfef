/** @module `/push-subscriptions` (Web Push, one per device) and `/notification-phone` (SMS number verified by code). */
import {
  NotificationPhoneSchema,
  PhoneVerificationStartedSchema,
  PushSubscriptionInfoSchema as Subscription,
  VapidPublicKeySchema,
  ApiKeyScope,
  RouteAccess,
} from '@tickline/protocol';
import { z } from 'zod';
import { E164 } from '../channels/sms/phones-sql.ts';
import { NoContent, TAGS, type RouteContext, type TypedApp } from './route-types.ts';

const b64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]+={0,2}$/)
  .max(200);

export function registerPushRoutes(app: TypedApp, { api, actor, publicBaseUrl }: RouteContext): void {
  app.get(
    '/push-subscriptions/vapid-public-key',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: 'The VAPID public key for PushManager.subscribe',
        tags: TAGS,
        response: { 200: VapidPublicKeySchema },
      },
    },
    async () => ({ publicKey: api.vapidPublicKey() ?? null }),
  );
  app.get(
    '/push-subscriptions',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: {
        summary: 'Your devices with push',
        tags: TAGS,
        response: { 200: z.object({ subscriptions: z.array(Subscription) }) },
      },
    },
    async (request) => ({
      subscriptions: (await api.listPush(await actor(request))).map((s) => ({
        id: s.id,
        endpoint: s.endpoint,
        device: s.device,
        createdAt: s.createdAt,
      })),
    }),
  );
  app.post(
    '/push-subscriptions',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Register this device (PushSubscription.toJSON())',
        tags: TAGS,
        body: z.object({
          endpoint: z.string().min(1).max(2_048),
          keys: z.object({ p256dh: b64url, auth: b64url }),
          expirationTime: z.number().nullable().optional(),
          device: z.string().max(100).optional(),
        }),
        response: { 201: Subscription },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const s = await api.subscribePush(await actor(request), {
        endpoint: b.endpoint,
        keys: b.keys,
        ...(b.device ? { device: b.device } : {}),
      });
      return reply
        .status(201)
        .send({ id: s.id, endpoint: s.endpoint, device: s.device, createdAt: s.createdAt });
    },
  );
  app.delete(
    '/push-subscriptions/:id',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Stop push on a device',
        tags: TAGS,
        params: z.object({ id: z.uuid() }),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await api.deletePush(await actor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/notification-phone',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: {
        summary: 'Your SMS number',
        tags: TAGS,
        response: { 200: NotificationPhoneSchema },
      },
    },
    async (request) => (await api.readPhone(await actor(request))) ?? { phone: null, verified: false },
  );
  app.post(
    '/notification-phone',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Send a verification code to a number (E.164)',
        description:
          'The tier must include SMS (403 NOTIFY_CHANNEL_NOT_ENTITLED); codes are rationed (429 NOTIFY_VERIFICATION_THROTTLED).',
        tags: TAGS,
        body: z.strictObject({ phone: z.string().regex(E164) }),
        response: { 202: PhoneVerificationStartedSchema },
      },
    },
    async (request, reply) => {
      const { phone } = request.body;
      const { expiresAt } = await api.startPhone(await actor(request), phone);
      return reply
        .status(202)
        .send({ status: 'code_sent' as const, phone, expiresAt: expiresAt.toISOString() });
    },
  );
  app.post(
    '/notification-phone/confirm',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Confirm the number with the code',
        tags: TAGS,
        body: z.strictObject({ code: z.string().regex(/^\d{6}$/) }),
        response: { 200: z.object({ phone: z.string(), verified: z.literal(true) }) },
      },
    },
    async (request) => ({
      ...(await api.confirmPhone(await actor(request), request.body.code)),
      verified: true as const,
    }),
  );
  app.delete(
    '/notification-phone',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: { summary: 'Remove the number', tags: TAGS, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await api.deletePhone(await actor(request));
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/notification-phone/sms-status',
    {
      config: { scope: RouteAccess.Public },
      schema: {
        summary: "Twilio's status callback (signed with X-Twilio-Signature)",
        tags: TAGS,
        body: z.record(z.string(), z.string()),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      // Twilio signs the URL it was given: the public one, not what a proxy forwarded to us.
      const path = request.url;
      const url = publicBaseUrl
        ? new URL(path, publicBaseUrl).toString()
        : `${request.protocol}://${request.host}${path}`;
      const signature = request.headers['x-twilio-signature'];
      api.verifySmsCallback(url, request.body, Array.isArray(signature) ? signature[0] : signature);
      request.log.info(
        { messageSid: request.body.MessageSid, status: request.body.MessageStatus },
        'sms status',
      );
      return reply.status(204).send(null);
    },
  );
}
