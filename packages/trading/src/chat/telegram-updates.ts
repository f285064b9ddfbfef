/**
 * @module Telegram updates to chat commands, whichever way they arrive (the long poll or the
 * webhook): each `update_id` handled once — taken from one record shared by every process (SQL,
 * chat-update-ids.ts), so an update Telegram sends again (a webhook answered late, its resend
 * landing on another process behind a load balancer, a poll after a switch) is not acted on twice
 * — in order, one at a time, each text message answered with the command's reply.
 */
import type { Logger } from '@tickline/kernel';
import type { ChatCommands } from './chat-commands.ts';
import type { ChatUpdateIds } from './chat-update-ids.ts';
import type { TelegramApi, TelegramMessage, TelegramUpdate } from './telegram-api.ts';

/** The label a link keeps: the group's title, else @username, else the first name. */
const labelOf = (chat: TelegramMessage['chat']): string =>
  chat.title ?? (chat.username ? `@${chat.username}` : (chat.first_name ?? String(chat.id)));

export class TelegramUpdates {
  readonly #api: TelegramApi;
  readonly #commands: ChatCommands;
  readonly #ids: ChatUpdateIds;
  /** The tail of the one-at-a-time queue. */
  #queue: Promise<void> = Promise.resolve();
  /** Updates handled (duplicates not counted): a figure for health and tests. */
  handled = 0;

  constructor(api: TelegramApi, commands: ChatCommands, ids: ChatUpdateIds) {
    this.#api = api;
    this.#commands = commands;
    this.#ids = ids;
  }

  /**
   * Takes `update`'s id and, when no process took it before, queues the update behind those
   * before it: `fresh` false (and nothing queued) for an id already taken. `done` is the update's
   * handling, which never rejects: a failed command is logged and told. Rejects when the id cannot
   * be taken (the database is down): nothing is acted on, and Telegram sends the update again.
   */
  async accept(update: TelegramUpdate, logger?: Logger): Promise<{ fresh: boolean; done: Promise<void> }> {
    // Queued at once, in arrival order; it acts only once the id is known to be this process's.
    const taken = this.#ids.take(update.update_id);
    const done = this.#queue.then(async () => {
      if (!(await taken.catch(() => false))) return;
      if (update.message?.text !== undefined) await this.#answer(update.message, logger);
      this.handled += 1;
    });
    this.#queue = done;
    return { fresh: await taken, done };
  }

  async #answer(message: TelegramMessage, logger: Logger | undefined): Promise<void> {
    const chatId = String(message.chat.id);
    try {
      const reply = await this.#commands.handle({
        chatId,
        text: message.text!,
        label: labelOf(message.chat),
      });
      if (reply !== undefined) await this.#api.sendMessage(message.chat.id, reply);
    } catch (error) {
      // The chat hears nothing more specific than the log holds; the next message is answered.
      logger?.warn({ err: error, chatId }, 'chat command failed');
      await this.#api.sendMessage(message.chat.id, 'Something went wrong; try again.').catch(() => undefined);
    }
  }
}
