/**
 * @module The `trading.chat` config section: control of live runs from a chat. Telegram only for
 * now: the bot's token (from @BotFather; a secret, set it by env `TICKLINE_TRADING_CHAT_TELEGRAM_TOKEN`),
 * the Bot API's address, how updates arrive (`mode`: a long poll, or Telegram POSTing them to
 * `webhookUrl` with `webhookSecret`) and the long poll's length. Without a token nothing polls and
 * the dashboard offers no link.
 */
import { z } from 'zod';

/** Telegram keeps a long poll open at most 50 s; 25 s leaves room under any proxy's idle timeout. */
export const DEFAULT_TELEGRAM_POLL_SECONDS = 25;

export const TelegramSettingsSchema = z
  .object({
    token: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'a Telegram bot token looks like 123456:ABC-DEF…')
      .optional()
      .describe(
        "The bot's token from @BotFather (docs/chat-control.md). A secret: prefer the environment (TICKLINE_TRADING_CHAT_TELEGRAM_TOKEN).",
      ),
    poll: z
      .boolean()
      .default(true)
      .describe(
        "Whether this process takes the bot's updates: in `poll` mode it long polls them, in `webhook` mode it registers the webhook at start. With several live processes set the token on each (so every one can make link codes and, in webhook mode, take posted updates) and poll on one only: Telegram answers one long poll per bot.",
      ),
    mode: z
      .enum(['poll', 'webhook'])
      .default('poll')
      .describe(
        'How updates arrive: `poll` long polls getUpdates (no public address needed; deletes a webhook left set), `webhook` has Telegram POST them to `webhookUrl` (POST /api/v1/chat/telegram/webhook), authenticated by `webhookSecret`.',
      ),
    webhookUrl: z
      .url()
      .startsWith('https://', 'Telegram posts updates to an https:// address only')
      .optional()
      .describe(
        "The public address of this server's POST /api/v1/chat/telegram/webhook, given to Telegram's setWebhook (https; ports 443, 80, 88 or 8443). Required with mode webhook.",
      ),
    webhookSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "16 to 256 of A-Z, a-z, 0-9, _ and - (Telegram's secret_token)")
      .optional()
      .describe(
        'The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token with every update; a post without it is refused 401. Required with mode webhook. A secret: prefer the environment (TICKLINE_TRADING_CHAT_TELEGRAM_WEBHOOK_SECRET).',
      ),
    apiUrl: z
      .url()
      .default('https://api.telegram.org')
      .describe('The Bot API server (a local Bot API server, or a mock in tests).'),
    pollSeconds: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(DEFAULT_TELEGRAM_POLL_SECONDS)
      .describe("How long one getUpdates long poll waits for a message (Telegram's `timeout`, s)."),
    linkCodeTtlMs: z
      .number()
      .int()
      .min(10_000)
      .max(86_400_000)
      .default(600_000)
      .describe('How long a one-time link code from the dashboard stays valid.'),
  })
  .superRefine((s, ctx) => {
    if (s.mode !== 'webhook') return;
    for (const key of ['webhookUrl', 'webhookSecret'] as const)
      if (s[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `mode webhook needs ${key}` });
  })
  .prefault({});

export const ChatSettingsSchema = z
  .object({ telegram: TelegramSettingsSchema.describe('Telegram chat control of live runs.') })
  .prefault({});
export type ChatSettings = z.output<typeof ChatSettingsSchema>;
export type TelegramSettings = z.output<typeof TelegramSettingsSchema>;
