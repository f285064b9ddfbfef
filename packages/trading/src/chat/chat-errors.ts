/** @module Error codes of chat control (documented in docs/errors.md). */
import { defineErrorCodes } from '@tickline/kernel';

export const ChatErrorCodes = defineErrorCodes({
  TRADING_CHAT_NOT_CONFIGURED: {
    meaning:
      'No chat bot is configured on this server (trading.chat.telegram.token), so no chat can be linked; or, on the webhook route, this server takes no Telegram updates by webhook (trading.chat.telegram.mode is not webhook).',
    resolve:
      'Ask the operator to create a bot with @BotFather and set its token, and for webhooks mode, webhookUrl and webhookSecret (docs/chat-control.md).',
    httpStatus: 409,
  },
  TRADING_CHAT_LINK_NOT_FOUND: {
    meaning: 'None of your linked chats has this id.',
    resolve: 'List your links (GET /api/v1/chat/links) and use one of their chat ids.',
    httpStatus: 404,
  },
  TRADING_CHAT_WEBHOOK_SECRET: {
    meaning:
      'A post to the Telegram webhook without the configured secret in X-Telegram-Bot-Api-Secret-Token: not from Telegram, or the secret changed since the webhook was set. Nothing was done.',
    resolve:
      'Only Telegram calls this route. Restart the process that registers the webhook (poll: true) so setWebhook sends the current trading.chat.telegram.webhookSecret.',
    httpStatus: 401,
  },
  TRADING_CHAT_API: {
    meaning: 'The Telegram Bot API refused or did not answer a call (details.status, details.description).',
    resolve: "Check the bot token and that no other process or webhook takes the same bot's updates.",
    httpStatus: 502,
  },
});
