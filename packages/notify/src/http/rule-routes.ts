/** @module `/notification-rules`: which kinds go to which channels, and the user's settings (quiet hours, time zone…). */
import {
  NotificationChannelNameSchema as ChannelName,
  NotificationRuleSchema as Rule,
  NotificationRulesSchema,
  NotificationSettingsSchema as Settings,
  ApiKeyScope,
} from '@tickline/protocol';
import { z } from 'zod';
import { NoContent, TAGS, type RouteContext, type TypedApp } from './route-types.ts';

export function registerRuleRoutes(app: TypedApp, { api, actor }: RouteContext): void {
  app.get(
    '/notification-rules',
    {
      config: { scope: ApiKeyScope.NotificationsRead },
      schema: {
        summary: 'Rules per kind (stored or the tier default) and settings',
        tags: TAGS,
        response: {
          200: NotificationRulesSchema,
        },
      },
    },
    async (request) => api.rules(await actor(request)),
  );
  app.put(
    '/notification-rules/:kind',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Set the channels of one kind (an empty list mutes it)',
        tags: TAGS,
        // The kind is checked by the API so an unknown one gets NOTIFY_UNKNOWN_KIND.
        params: z.object({ kind: z.string().max(64) }),
        body: z.strictObject({
          channels: z.array(ChannelName).max(5),
          urgent: z.boolean().optional().describe('May use SMS'),
        }),
        response: { 200: Rule },
      },
    },
    async (request) => api.putRule(await actor(request), request.params.kind, request.body),
  );
  app.delete(
    '/notification-rules/:kind',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Back to the tier default',
        tags: TAGS,
        params: z.object({ kind: z.string().max(64) }),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await api.deleteRule(await actor(request), request.params.kind);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/notification-email/confirm',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary: 'Confirm the pending notification email with the code sent to it',
        tags: TAGS,
        body: z.strictObject({ code: z.string().regex(/^\d{6}$/) }),
        response: { 200: Settings },
      },
    },
    async (request) => api.confirmEmail(await actor(request), request.body.code),
  );
  app.patch(
    '/notification-rules',
    {
      config: { scope: ApiKeyScope.NotificationsWrite },
      schema: {
        summary:
          "Change settings: email (an address other than the account's gets a code and is used once confirmed), locale, time zone, quiet hours, rate limit (at most the tier's)",
        tags: TAGS,
        body: z.strictObject({
          email: z.email().max(254).nullable().optional(),
          locale: z
            .string()
            .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
            .optional(),
          timeZone: z.string().max(64).optional(),
          // HH:MM is checked by the API so a bad time gets NOTIFY_INVALID_QUIET_HOURS.
          quietHours: z
            .strictObject({ start: z.string().max(16), end: z.string().max(16) })
            .nullable()
            .optional(),
          rateLimitPerHour: z.number().int().min(1).max(100_000).nullable().optional(),
        }),
        response: { 200: Settings },
      },
    },
    async (request) => {
      const b = request.body;
      return api.updateSettings(await actor(request), {
        ...(b.email !== undefined ? { email: b.email } : {}),
        ...(b.locale !== undefined ? { locale: b.locale } : {}),
        ...(b.timeZone !== undefined ? { timeZone: b.timeZone } : {}),
        ...(b.quietHours !== undefined ? { quietHours: b.quietHours } : {}),
        ...(b.rateLimitPerHour !== undefined ? { rateLimitPerHour: b.rateLimitPerHour } : {}),
      });
    },
  );
}
