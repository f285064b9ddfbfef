/**
 * @module Telegram updates to chat commands, whichever way they arrive (the long poll or the
 * webhook): each `update_id` handled once — the poller and the webhook share one record of the ids
 * seen, so an update Telegram sends again (a webhook answered late, a poll after a switch) is not
 * acted on twice — in order, one at a time, each text message answered with the command's reply.
 */
import type { Logger } from '@tickline/kernel';
import type { ChatCommands } from './chat-commands.ts';
import type { TelegramApi, TelegramMessage, TelegramUpdate } from './telegram-api.ts';

/**
 * Ids remembered. Telegram re-sends an unanswered update for up to a day, but in order and only
 * until answered: a window of recent ids covers every resend a working server sees.
 */
const SEEN_IDS = 10_000;

/** The label a link keeps: the group's title, else @username, else the first name. */
const labelOf = (chat: TelegramMessage['chat']): string =>
  chat.title ?? (chat.username ? `@${chat.username}` : (chat.first_name ?? String(chat.id)));

export class TelegramUpdates {
  readonly #api: TelegramApi;
  readonly #commands: ChatCommands;
  /** Ids seen, oldest first (a Set keeps insertion order). */
  readonly #seen = new Set<number>();
  /** The tail of the one-at-a-time queue. */
  #queue: Promise<void> = Promise.resolve();
  /** Updates handled (duplicates not counted): a figure for health and tests. */
  handled = 0;

  constructor(api: TelegramApi, commands: ChatCommands) {
    this.#api = api;
    this.#commands = commands;
  }

  /**
   * Queues `update` behind those before it; false (and nothing queued) when its id was seen. The
   * promise is the update's handling, which never rejects: a failed command is logged and told.
   */
  accept(update: TelegramUpdate, logger?: Logger): { fresh: boolean; done: Promise<void> } {
    if (this.#seen.has(update.update_id)) return { fresh: false, done: Promise.resolve() };
    this.#seen.add(update.update_id);
    if (this.#seen.size > SEEN_IDS) this.#seen.delete(this.#seen.values().next().value!);
    const done = this.#queue.then(async () => {
      if (update.message?.text !== undefined) await this.#answer(update.message, logger);
      this.handled += 1;
    });
    this.#queue = done;
    return { fresh: true, done };
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
