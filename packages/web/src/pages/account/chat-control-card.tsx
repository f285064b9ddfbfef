/**
 * @module Chat control on the API keys page: a one-time code that links a Telegram chat to the
 * account (sent as `/link CODE`, or by opening the bot's link), whether that chat may act or only
 * read, and the linked chats with an unlink button (docs/chat-control.md).
 */
import { ApiKeyScope } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { usePendingAction } from '../../components/use-pending-action.ts';

interface ChatLink {
  provider: 'telegram';
  chatId: string;
  label: string;
  scopes: string[];
  createdAt: string;
}
interface LinkCode {
  code: string;
  command: string;
  url: string | null;
  expiresAt: string;
}

export function ChatControlCard(): ReactNode {
  const { client } = useSession();
  const state = useAsync(async () => {
    const [bot, { links }] = await Promise.all([
      client.request<{ configured: boolean; bot: string | null }>({
        method: 'GET',
        path: '/api/v1/chat/telegram',
      }),
      client.request<{ links: ChatLink[] }>({ method: 'GET', path: '/api/v1/chat/links' }),
    ]);
    return { bot, links };
  }, [client]);
  const [control, setControl] = useState(true);
  const [code, setCode] = useState<LinkCode>();
  const { pending, error, run } = usePendingAction({ withCode: true });

  const makeCode = () =>
    run(async () => {
      const scopes = control
        ? [ApiKeyScope.PortfolioRead, ApiKeyScope.PortfolioWrite]
        : [ApiKeyScope.PortfolioRead];
      setCode(
        await client.request<LinkCode>({
          method: 'POST',
          path: '/api/v1/chat/telegram/link-codes',
          body: { scopes },
        }),
      );
    });
  const unlink = (link: ChatLink) =>
    run(async () => {
      await client.request({
        method: 'DELETE',
        path: `/api/v1/chat/links/telegram/${encodeURIComponent(link.chatId)}`,
      });
      state.reload();
    });

  return (
    <section className="card stack" aria-labelledby="chat-title">
      <h2 id="chat-title">Chat control</h2>
      {state.status === 'error' && state.data === undefined ? (
        <p className="muted">Chat control is not available on this server.</p>
      ) : state.data === undefined ? (
        <Loading />
      ) : !state.data.bot.configured ? (
        <p className="muted">
          No Telegram bot is set up on this server: the operator creates one with @BotFather and sets
          trading.chat.telegram.token (docs/chat-control.md).
        </p>
      ) : (
        <>
          <p className="muted">
            Link a Telegram chat to check and steer your live runs from your phone: /status, /profit, /pause,
            /resume, /forceexit, /stopentry.
          </p>
          <FormError message={error} />
          <label className="check">
            <input type="checkbox" checked={control} onChange={(e) => setControl(e.target.checked)} />
            The chat may act (pause, resume, force exit, stop entries), not only read
          </label>
          <div className="row">
            <button type="button" className="button" disabled={pending} onClick={() => void makeCode()}>
              Make a link code
            </button>
          </div>
          {code ? (
            <p role="status" data-testid="chat-link-code">
              Send <code>{code.command}</code> to{' '}
              {code.url ? <a href={code.url}>@{state.data.bot.bot}</a> : 'the bot'} before{' '}
              {new Date(code.expiresAt).toLocaleTimeString()}; the code works once.
            </p>
          ) : null}
          {state.data.links.length > 0 ? (
            <ul className="key-list" aria-label="Linked chats">
              {state.data.links.map((link) => (
                <li key={link.chatId} className="key">
                  <div>
                    <strong>{link.label}</strong>{' '}
                    <span className="muted small">
                      {link.scopes.includes(ApiKeyScope.PortfolioWrite) ? 'reads and acts' : 'reads only'} ·
                      linked {new Date(link.createdAt).toLocaleDateString()}
                    </span>
                  </div>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    disabled={pending}
                    onClick={() => void unlink(link)}
                    aria-label={`Unlink ${link.label}`}
                  >
                    Unlink
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </section>
  );
}
