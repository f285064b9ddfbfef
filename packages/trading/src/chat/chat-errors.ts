/** @module Error codes of chat control (documented in docs/errors.md). */
import { defineErrorCodes } from '@tickline/kernel';

export const ChatErrorCodes = defineErrorCodes({
  TRADING_CHAT_NOT_CONFIGURED: {
    meaning:
      'No chat bot is configured on this server (trading.chat.telegram.token), so no chat can be linked.',
    resolve: 'Ask the operator to create a bot with @BotFather and set its token (docs/chat-control.md).',
    httpStatus: 409,
  },
  TRADING_CHAT_LINK_NOT_FOUND: {
    meaning: 'None of your linked chats has this id.',
    resolve: 'List your links (GET /api/v1/chat/links) and use one of their chat ids.',
    httpStatus: 404,
  },
  TRADING_CHAT_API: {
    meaning: 'The Telegram Bot API refused or did not answer a call (details.status, details.description).',
    resolve: "Check the bot token and that no other process or webhook takes the same bot's updates.",
    httpStatus: 502,
  },
});
