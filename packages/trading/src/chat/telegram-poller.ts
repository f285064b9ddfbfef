/**
 * @module The Telegram side of chat control as a service, in poll mode: deletes any webhook left
 * set (Telegram refuses a poll while one is), long polls `getUpdates` (each poll with a deadline),
 * hands every update to the shared `TelegramUpdates` (commands answered once each, in order), and
 * confirms what it handled through the next poll's `offset`. A refused or
 * failed poll is retried after a pause (Telegram's `retry_after` when it gives one); the service
 * reports itself degraded meanwhile and never stops the process over it.
 */
import {
  isTicklineError,
  ServiceStatus,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { TelegramApi } from './telegram-api.ts';
import type { TelegramUpdates } from './telegram-updates.ts';

/** The pause after a failed poll when Telegram names none. */
const RETRY_MS = 5_000;

export interface TelegramPollerOptions {
  api: TelegramApi;
  updates: TelegramUpdates;
  /** Telegram's `timeout` of one long poll, s. */
  pollSeconds: number;
}

export class TelegramPoller implements Service {
  readonly name = 'telegram-chat';
  readonly #o: TelegramPollerOptions;
  #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #offset = 0;
  #health: ServiceHealth = { status: ServiceStatus.Starting };
  #logger: Logger | undefined;
  /** Updates handled since start: a figure for /readyz and tests. */
  handled = 0;
  /** The bot's @username (getMe at start): the dashboard's t.me link. */
  username: string | undefined;

  constructor(options: TelegramPollerOptions) {
    this.#o = options;
  }

  async start(context: ServiceContext): Promise<void> {
    this.#logger = context.logger;
    this.#stopping = new AbortController();
    this.#loop = this.#run();
    // Only for the dashboard's link: a bot that cannot answer getMe still gets its polls retried.
    this.username = await this.#o.api.getMe().then(
      (me) => me.username,
      (error: unknown) => void context.logger.warn({ err: error }, 'telegram getMe failed'),
    );
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#loop;
    this.#health = { status: ServiceStatus.Stopped };
  }

  health(): ServiceHealth {
    return { ...this.#health, info: { handled: this.handled } };
  }

  async #run(): Promise<void> {
    const signal = this.#stopping.signal;
    let webhookDeleted = false;
    while (!signal.aborted) {
      try {
        // Switching back from webhook mode: until the webhook goes, every poll is refused 409.
        if (!webhookDeleted) await this.#o.api.deleteWebhook();
        webhookDeleted = true;
        const updates = await this.#o.api.getUpdates(this.#offset, this.#o.pollSeconds, signal);
        this.#health = { status: ServiceStatus.Up };
        for (const update of updates) {
          // Taken (or found taken) before it is confirmed: an update whose id could not be recorded
          // (the database down) is read again by the next poll, not lost.
          const { done } = await this.#o.updates.accept(update, this.#logger);
          // Confirmed by the next poll whatever its command did: one bad message is not re-read forever.
          this.#offset = Math.max(this.#offset, update.update_id + 1);
          await done;
          this.handled += 1;
        }
      } catch (error) {
        if (signal.aborted) return;
        const retryAfter = isTicklineError(error) ? error.details?.retryAfterSeconds : undefined;
        const waitMs = typeof retryAfter === 'number' ? retryAfter * 1000 : RETRY_MS;
        this.#health = { status: ServiceStatus.Degraded, detail: (error as Error).message };
        this.#logger?.warn({ err: error, waitMs }, 'telegram poll failed; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }
}
