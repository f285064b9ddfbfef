/**
 * @module A local Telegram Bot API server for tests, on a real socket, answering as Telegram does:
 * `POST /bot{token}/{method}` with JSON, `{ok: true, result}` or `{ok: false, error_code,
 * description}`; `getUpdates` is a long poll — updates after `offset` at once, else the request is
 * held until one arrives or its `timeout` (s) passes, and a second poll while one is held is
 * refused 409 as Telegram refuses a competing consumer; `offset` confirms (drops) earlier updates.
 * `setWebhook` records the address and secret (`webhook`), and while one is set `getUpdates` is
 * refused 409 as Telegram refuses it, until `deleteWebhook`. A test plays a user with
 * `say(chatId, text)` and reads the bot's replies; in webhook mode it makes an update with
 * `update(chatId, text)`, posts it itself and waits with `nextReply(chatId)`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  chatId: string;
  text: string;
}

export interface MockTelegram {
  /** `http://127.0.0.1:PORT`: the bot's `apiUrl`. */
  url: string;
  token: string;
  /** The `timeout` of every getUpdates received, in order. */
  polls: number[];
  /** Every sendMessage, in order. */
  sent: SentMessage[];
  /** Queues a text message from a user in `chatId`; resolves with the bot's next reply there. */
  say(chatId: number, text: string, chat?: { title?: string; username?: string }): Promise<string>;
  /** Queues a message without waiting for a reply. */
  push(chatId: number, text: string): void;
  /** A new update with a text message from `chatId` (not queued: for posting to a webhook). */
  update(chatId: number, text: string, chat?: { title?: string; username?: string }): Update;
  /** The bot's next reply in `chatId`. */
  nextReply(chatId: number): Promise<string>;
  /** The webhook set by setWebhook, until deleteWebhook. */
  readonly webhook: { url: string; secret: string | undefined; allowedUpdates: unknown } | undefined;
  /** setWebhook and deleteWebhook calls, in order. */
  webhookCalls: string[];
  close(): Promise<void>;
}

export interface Update {
  update_id: number;
  message: {
    message_id: number;
    date: number;
    chat: { id: number; type: string; title?: string; username?: string };
    from: { id: number; is_bot: false; first_name: string };
    text: string;
  };
}

const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
};

const answer = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export async function startMockTelegram(
  options: { token?: string; username?: string } = {},
): Promise<MockTelegram> {
  const token = options.token ?? '123456:TEST-token_abcdefghijklmnop';
  const updates: Update[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  const polls: number[] = [];
  const sent: SentMessage[] = [];
  const replyWaiters: Array<{ chatId: string; resolve: (text: string) => void }> = [];
  /** The held long poll: woken by a new update. */
  let held: { wake: () => void } | undefined;
  let webhook: MockTelegram['webhook'];
  const webhookCalls: string[] = [];

  const getUpdates = async (body: Record<string, unknown>, res: ServerResponse) => {
    const offset = Number(body.offset ?? 0);
    const timeout = Number(body.timeout ?? 0);
    polls.push(timeout);
    if (webhook !== undefined)
      return answer(res, 409, {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    // Confirmed updates are forgotten, as Telegram forgets them.
    while (updates.length > 0 && updates[0]!.update_id < offset) updates.shift();
    if (updates.length === 0 && timeout > 0) {
      if (held !== undefined)
        return answer(res, 409, {
          ok: false,
          error_code: 409,
          description: 'Conflict: terminated by other getUpdates request',
        });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout * 1000);
        held = { wake: () => (clearTimeout(timer), resolve()) };
        res.once('close', () => (clearTimeout(timer), resolve()));
      });
      held = undefined;
    }
    answer(res, 200, { ok: true, result: updates.slice(0, 100) });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || match === null)
        return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      if (match[1] !== token)
        return answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const body = await readJson(req);
      switch (match[2]) {
        case 'getMe':
          return answer(res, 200, {
            ok: true,
            result: {
              id: 123456,
              is_bot: true,
              first_name: 'Tickline',
              username: options.username ?? 'tickline_test_bot',
            },
          });
        case 'getUpdates':
          return getUpdates(body, res);
        case 'setWebhook':
          if (typeof body.url !== 'string' || !body.url.startsWith('https://'))
            return answer(res, 400, {
              ok: false,
              error_code: 400,
              description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
            });
          webhookCalls.push('setWebhook');
          webhook = {
            url: body.url,
            secret: typeof body.secret_token === 'string' ? body.secret_token : undefined,
            allowedUpdates: body.allowed_updates,
          };
          return answer(res, 200, { ok: true, result: true, description: 'Webhook was set' });
        case 'deleteWebhook':
          webhookCalls.push('deleteWebhook');
          webhook = undefined;
          return answer(res, 200, { ok: true, result: true, description: 'Webhook was deleted' });
        case 'sendMessage': {
          const chatId = String(body.chat_id);
          const text = typeof body.text === 'string' ? body.text : '';
          if (text === '')
            return answer(res, 400, {
              ok: false,
              error_code: 400,
              description: 'Bad Request: message text is empty',
            });
          sent.push({ chatId, text });
          const i = replyWaiters.findIndex((w) => w.chatId === chatId);
          if (i >= 0) replyWaiters.splice(i, 1)[0]!.resolve(text);
          return answer(res, 200, {
            ok: true,
            result: {
              message_id: nextMessageId++,
              date: Math.floor(Date.now() / 1000),
              chat: { id: Number(chatId) },
              text,
            },
          });
        }
        default:
          return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const update = (
    chatId: number,
    text: string,
    chat: { title?: string; username?: string } = {},
  ): Update => ({
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: chat.title ? 'group' : 'private', ...chat },
      from: { id: chatId, is_bot: false, first_name: 'Ada' },
      text,
    },
  });
  const push = (chatId: number, text: string, chat: { title?: string; username?: string } = {}) => {
    updates.push(update(chatId, text, chat));
    held?.wake();
  };
  const nextReply = (chatId: number) =>
    new Promise<string>((resolve) => replyWaiters.push({ chatId: String(chatId), resolve }));
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    polls,
    sent,
    push,
    update,
    nextReply,
    get webhook() {
      return webhook;
    },
    webhookCalls,
    say(chatId, text, chat) {
      const reply = nextReply(chatId);
      push(chatId, text, chat);
      return reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
