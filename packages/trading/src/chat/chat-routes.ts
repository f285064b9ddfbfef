/**
 * @module The dashboard's side of chat control under `/api/v1`: whether a bot is configured, a
 * one-time link code (the chat sends `/link CODE`, or opens the bot's `?start=CODE` link), and the
 * caller's linked chats, listed and removed. A code grants the chat the scopes asked for, each of
 * which the caller's own credential must carry (403 otherwise): a chat never gets more than its
 * account. And Telegram's way in, in webhook mode: `POST /chat/telegram/webhook`, public but for
 * the bot's secret header (Telegram calls it, with no Tickline credential), rate-limited per address
 * as every anonymous call, its body capped, answered at once with the update queued.
 */
import { ApiKeyScope, RouteAccess } from '@tickline/protocol';
import { TicklineError } from '@tickline/kernel';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { declaredCallers } from '../live-http/route-support.ts';
import type { LiveCaller } from '../live-http/live-options.ts';
import type { ChatLink, SqlChatLinks } from './chat-links.ts';
import { secretMatches, type TelegramWebhook } from './telegram-webhook.ts';
// Declares the codes these routes throw, so the error handler knows their statuses.
import './chat-errors.ts';

export interface ChatRoutesOptions {
  links: SqlChatLinks;
  authenticate: (request: FastifyRequest, scope: ApiKeyScope) => Promise<LiveCaller>;
  /** The bot, when one is configured: its @username once known (getMe), else undefined. */
  telegram?: {
    username: () => string | undefined;
    linkCodeTtlMs: number;
    /** In webhook mode: the secret and the updates the webhook route feeds. */
    webhook?: Pick<TelegramWebhook, 'secret' | 'updates'>;
  };
  now: () => number;
}

const CHAT_SCOPES = [ApiKeyScope.PortfolioRead, ApiKeyScope.PortfolioWrite] as const;
const TAGS = ['chat'];
/** One update is a message of at most 4,096 characters and its metadata: far under this. */
const WEBHOOK_BODY_LIMIT = 64 * 1024;

/** The parts of a Telegram `Update` chat control reads; the rest is let through unread. */
const TelegramUpdateJson = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: z
    .looseObject({
      message_id: z.number().int(),
      date: z.number().int(),
      chat: z.looseObject({
        id: z.number().int(),
        type: z.string(),
        title: z.string().optional(),
        username: z.string().optional(),
        first_name: z.string().optional(),
      }),
      text: z.string().optional(),
    })
    .optional(),
});

const LinkJson = z.object({
  provider: z.literal('telegram'),
  chatId: z.string(),
  label: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
});
const linkJson = (l: ChatLink) => ({
  provider: l.provider,
  chatId: l.chatId,
  label: l.label,
  scopes: l.scopes,
  createdAt: new Date(l.createdAt).toISOString(),
});

export const chatRoutes: FastifyPluginAsync<ChatRoutesOptions> = async (fastify, o) => {
  const callerOf = declaredCallers(fastify, o.authenticate);
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/chat/telegram',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: 'Whether a Telegram bot takes commands here, and its name',
        tags: TAGS,
        response: { 200: z.object({ configured: z.boolean(), bot: z.string().nullable() }) },
      },
    },
    async () => ({ configured: o.telegram !== undefined, bot: o.telegram?.username() ?? null }),
  );

  app.post(
    '/chat/telegram/webhook',
    {
      config: { scope: RouteAccess.Public },
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // Before the body is read: a caller without the secret gets 401 and nothing else happens.
      onRequest: async (request) => {
        const webhook = o.telegram?.webhook;
        if (webhook === undefined)
          throw new TicklineError(
            'TRADING_CHAT_NOT_CONFIGURED',
            'this server takes no Telegram updates by webhook (trading.chat.telegram.mode)',
          );
        if (!secretMatches(request.headers['x-telegram-bot-api-secret-token'], webhook.secret))
          throw new TicklineError(
            'TRADING_CHAT_WEBHOOK_SECRET',
            'missing or wrong X-Telegram-Bot-Api-Secret-Token',
          );
      },
      schema: {
        summary: "Telegram's webhook: one update from the bot (called by Telegram)",
        description:
          'Telegram POSTs each `Update` here once `trading.chat.telegram.mode` is `webhook` (docs/chat-control.md). Authenticated by `X-Telegram-Bot-Api-Secret-Token` only (401 TRADING_CHAT_WEBHOOK_SECRET without the configured secret; 409 TRADING_CHAT_NOT_CONFIGURED when this server takes no webhook). Answered at once; the update is acted on after, once per `update_id` (`duplicate: true` for one already taken, by this route or the long poll).',
        tags: TAGS,
        body: TelegramUpdateJson,
        response: { 200: z.object({ ok: z.literal(true), duplicate: z.boolean() }) },
      },
    },
    async (request) => {
      // onRequest refused the call unless the webhook is configured.
      const { fresh } = await o.telegram!.webhook!.updates.accept(request.body, request.log);
      return { ok: true as const, duplicate: !fresh };
    },
  );

  app.post(
    '/chat/telegram/link-codes',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: 'A one-time code that links a Telegram chat to your account',
        description:
          'Send `/link CODE` to the bot from the chat (or open `url`). The chat may then use the scopes granted here: portfolio:read for /status and /profit, portfolio:write for /pause, /resume, /forceexit and /stopentry. Each scope asked for must be one your credential has (403 AUTH_FORBIDDEN). 409 TRADING_CHAT_NOT_CONFIGURED without a bot.',
        tags: TAGS,
        body: z
          .object({
            scopes: z
              .array(z.enum(CHAT_SCOPES))
              .min(1)
              .max(2)
              .default([...CHAT_SCOPES]),
          })
          .strict()
          .prefault({}),
        response: {
          201: z.object({
            code: z.string(),
            command: z.string(),
            url: z.string().nullable(),
            scopes: z.array(z.string()),
            expiresAt: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const caller = await callerOf(request);
      if (o.telegram === undefined)
        throw new TicklineError(
          'TRADING_CHAT_NOT_CONFIGURED',
          'no Telegram bot is configured on this server',
        );
      const scopes = [...new Set(request.body.scopes)];
      // Each scope the chat gets, the caller's credential must have (identity answers 403 if not).
      for (const scope of scopes) await o.authenticate(request, scope);
      const now = o.now();
      const code = await o.links.createCode('telegram', caller.userId, scopes, now, o.telegram.linkCodeTtlMs);
      const bot = o.telegram.username();
      reply.status(201);
      return {
        code,
        command: `/link ${code}`,
        url: bot === undefined ? null : `https://t.me/${bot}?start=${code}`,
        scopes,
        expiresAt: new Date(now + o.telegram.linkCodeTtlMs).toISOString(),
      };
    },
  );

  app.get(
    '/chat/links',
    {
      config: { scope: ApiKeyScope.PortfolioRead },
      schema: {
        summary: 'Your linked chats',
        tags: TAGS,
        response: { 200: z.object({ links: z.array(LinkJson) }) },
      },
    },
    async (request) => ({ links: (await o.links.list((await callerOf(request)).userId)).map(linkJson) }),
  );

  app.delete(
    '/chat/links/:provider/:chatId',
    {
      config: { scope: ApiKeyScope.PortfolioWrite },
      schema: {
        summary: 'Unlink a chat: it no longer reaches your account',
        tags: TAGS,
        params: z.object({ provider: z.literal('telegram'), chatId: z.string().min(1).max(64) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { provider, chatId } = request.params;
      if (!(await o.links.remove(provider, chatId, (await callerOf(request)).userId)))
        throw new TicklineError('TRADING_CHAT_LINK_NOT_FOUND', `no linked chat ${chatId}`);
      return reply.status(204).send(null);
    },
  );
};
