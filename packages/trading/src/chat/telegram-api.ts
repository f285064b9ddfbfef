/**
 * @module A small client of the Telegram Bot API (https://core.telegram.org/bots/api): `getMe`,
 * `getUpdates` as a long poll with a deadline, `setWebhook` and `deleteWebhook`, and `sendMessage`. Every call is
 * `POST {apiUrl}/bot{token}/{method}` with a JSON body, answered `{ok, result}` or
 * `{ok: false, error_code, description, parameters?: {retry_after}}`; a refusal becomes
 * TRADING_CHAT_API with the status and Telegram's description (never the token).
 */
import { TicklineError } from '@tickline/kernel';

/** The parts of a Telegram `Update` chat control reads. */
export interface TelegramUpdate {
  update_id: number;
  message?: TelegramMessage;
}

export interface TelegramMessage {
  message_id: number;
  date: number;
  chat: { id: number; type: string; title?: string; username?: string; first_name?: string };
  from?: { id: number; is_bot: boolean; username?: string; first_name?: string };
  text?: string;
}

export interface TelegramApiOptions {
  token: string;
  /** @default 'https://api.telegram.org' */
  apiUrl?: string;
  /** Test seam. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Beyond the poll's own `timeout`: the server answers at its end, this much late is a dead link. */
const POLL_GRACE_MS = 10_000;
/** A call that is not a long poll. */
const CALL_DEADLINE_MS = 15_000;

export interface TelegramApi {
  getMe(): Promise<{ id: number; username?: string }>;
  /**
   * Updates after `offset` (the last `update_id` seen + 1, which also confirms the earlier ones),
   * waiting up to `timeoutSeconds` for one; aborted by `signal` or, past the poll plus a grace, by
   * its own deadline.
   */
  getUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignal): Promise<TelegramUpdate[]>;
  sendMessage(chatId: number | string, text: string): Promise<void>;
  /** Has Telegram POST updates to `url` with `secret` in X-Telegram-Bot-Api-Secret-Token. */
  setWebhook(url: string, secret: string): Promise<void>;
  /** Back to getUpdates (Telegram refuses a poll while a webhook is set); kept pending updates. */
  deleteWebhook(): Promise<void>;
}

/** The updates chat control reads: messages only, whichever way they arrive. */
const ALLOWED_UPDATES = ['message'];

export function createTelegramApi(options: TelegramApiOptions): TelegramApi {
  const base = `${(options.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '')}/bot${options.token}`;
  const fetchFn = options.fetch ?? fetch;
  const call = async <T>(
    method: string,
    body: object,
    deadlineMs: number,
    signal?: AbortSignal,
  ): Promise<T> => {
    const deadline = AbortSignal.timeout(deadlineMs);
    let res: Response;
    try {
      res = await fetchFn(`${base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new TicklineError('TRADING_CHAT_API', `Telegram ${method} did not answer`, {
        details: { method, status: 0 },
        cause,
      });
    }
    const json = (await res.json().catch(() => ({}))) as {
      ok?: boolean;
      result?: T;
      description?: string;
      parameters?: { retry_after?: number };
    };
    if (!res.ok || json.ok !== true) {
      throw new TicklineError(
        'TRADING_CHAT_API',
        `Telegram ${method}: ${json.description ?? `HTTP ${res.status}`}`,
        {
          details: {
            method,
            status: res.status,
            description: json.description ?? null,
            ...(json.parameters?.retry_after === undefined
              ? {}
              : { retryAfterSeconds: json.parameters.retry_after }),
          },
        },
      );
    }
    return json.result as T;
  };
  return {
    getMe: () => call('getMe', {}, CALL_DEADLINE_MS),
    getUpdates: (offset, timeoutSeconds, signal) =>
      call(
        'getUpdates',
        { offset, timeout: timeoutSeconds, allowed_updates: ALLOWED_UPDATES },
        timeoutSeconds * 1000 + POLL_GRACE_MS,
        signal,
      ),
    sendMessage: async (chatId, text) => {
      await call('sendMessage', { chat_id: chatId, text }, CALL_DEADLINE_MS);
    },
    setWebhook: async (url, secret) => {
      await call(
        'setWebhook',
        { url, secret_token: secret, allowed_updates: ALLOWED_UPDATES },
        CALL_DEADLINE_MS,
      );
    },
    deleteWebhook: async () => {
      await call('deleteWebhook', { drop_pending_updates: false }, CALL_DEADLINE_MS);
    },
  };
}
