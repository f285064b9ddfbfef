/**
 * @module The Telegram side of chat control in webhook mode: Telegram POSTs each update to
 * `POST /api/v1/chat/telegram/webhook` (chat-routes.ts) with the configured secret in
 * `X-Telegram-Bot-Api-Secret-Token`, checked here in constant time. The process that takes the
 * bot's updates (`poll: true`) registers the webhook at start with `setWebhook`, retried while
 * Telegram refuses it (the service degraded meanwhile, never stopping the process); every process
 * with the secret takes posted updates into the shared `TelegramUpdates`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  isTicklineError,
  ServiceStatus,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import type { TelegramApi } from './telegram-api.ts';
import type { TelegramUpdates } from './telegram-updates.ts';

/** The pause after a refused setWebhook when Telegram names none. */
const RETRY_MS = 5_000;

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Whether `header` is `secret`, compared in constant time (digests first: equal lengths whatever
 * was sent, so neither the secret's length nor its prefix leaks through timing).
 */
export function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  return typeof header === 'string' && timingSafeEqual(digest(header), digest(secret));
}

export interface TelegramWebhookOptions {
  api: TelegramApi;
  updates: TelegramUpdates;
  url: string;
  secret: string;
  /** Whether this process registers the webhook (the one with `poll`). */
  register: boolean;
}

export class TelegramWebhook implements Service {
  readonly name = 'telegram-chat';
  readonly #o: TelegramWebhookOptions;
  #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #health: ServiceHealth = { status: ServiceStatus.Starting };
  /** The bot's @username (getMe at start): the dashboard's t.me link. */
  username: string | undefined;

  constructor(options: TelegramWebhookOptions) {
    this.#o = options;
  }

  get updates(): TelegramUpdates {
    return this.#o.updates;
  }

  get secret(): string {
    return this.#o.secret;
  }

  async start(context: ServiceContext): Promise<void> {
    this.#stopping = new AbortController();
    if (this.#o.register) this.#loop = this.#register(context);
    else this.#health = { status: ServiceStatus.Up };
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
    return { ...this.#health, info: { handled: this.#o.updates.handled } };
  }

  async #register(context: ServiceContext): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      try {
        await this.#o.api.setWebhook(this.#o.url, this.#o.secret);
        this.#health = { status: ServiceStatus.Up };
        return;
      } catch (error) {
        const retryAfter = isTicklineError(error) ? error.details?.retryAfterSeconds : undefined;
        const waitMs = typeof retryAfter === 'number' ? retryAfter * 1000 : RETRY_MS;
        this.#health = { status: ServiceStatus.Degraded, detail: (error as Error).message };
        context.logger.warn({ err: error, waitMs }, 'telegram setWebhook failed; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
    }
  }
}
