/**
 * @module The inbox (`/notifications`): notify's stored in-app notifications, newest first, a page
 * at a time, with the unread count, mark one read and mark all read. New ones arrive live as
 * `notification.inbox.added` on `user:{id}` and go to the top without a reload; marks made
 * elsewhere (another tab) arrive as `notification.inbox.read`. The unread count is the bell's
 * (`useNotifications().unread`): one figure from the API, never counted here.
 */
import { useEvents } from '@tickline/client/react';
import { Channel, EventType, type InboxAdded, type InboxItem, type InboxRead } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession, useUser } from '../../app/session.tsx';
import { useNotifications } from '../../components/notifications.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { kindLabel } from './notification-kinds.ts';

const PAGE_SIZE = 20;

interface InboxState {
  items: InboxItem[];
  nextCursor: string | null;
}

export function InboxPage(): ReactNode {
  const user = useUser();
  const { client } = useSession();
  const { navigate } = useRouter();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<string>();
  const [more, setMore] = useState(false);
  const { unread, updateUnread } = useNotifications();
  const inbox = useAsync<InboxState>(async () => {
    const page = await client.notifications.inbox({ limit: PAGE_SIZE, unreadOnly });
    updateUnread({ type: 'fetched', unread: page.unread });
    return page;
  }, [client, unreadOnly]);

  useEvents<InboxAdded | InboxRead>(
    [EventType.NotificationInboxAdded, EventType.NotificationInboxRead],
    (event) => {
      const current = inbox.data;
      if (!current) return;
      if (event.type === EventType.NotificationInboxRead) {
        const { ids } = event.data as InboxRead;
        const readAt = new Date().toISOString();
        inbox.set({
          ...current,
          items: current.items.map((i) => (i.readAt || (ids && !ids.includes(i.id)) ? i : { ...i, readAt })),
        });
        return;
      }
      const { unread: _after, ...added } = event.data as InboxAdded;
      if (current.items.some((item) => item.id === added.id)) return;
      inbox.set({ ...current, items: [{ ...added, readAt: null }, ...current.items] });
    },
    { channels: [Channel.user(user.id)], onReset: () => inbox.reload() },
  );

  const data = inbox.data;
  const update = (change: (state: InboxState) => InboxState) => {
    if (inbox.data) inbox.set(change(inbox.data));
  };

  async function markRead(item: InboxItem) {
    setError(undefined);
    try {
      await client.notifications.markRead(item.id);
      updateUnread({ type: 'marked', id: item.id });
      const readAt = new Date().toISOString();
      update((s) => ({
        ...s,
        items: s.items.map((i) => (i.id === item.id ? { ...i, readAt } : i)),
      }));
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function markAllRead() {
    setError(undefined);
    try {
      await client.notifications.markAllRead();
      updateUnread({ type: 'marked-all' });
      const readAt = new Date().toISOString();
      update((s) => ({ ...s, items: s.items.map((i) => (i.readAt ? i : { ...i, readAt })) }));
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function loadMore() {
    if (!data?.nextCursor) return;
    setMore(true);
    try {
      const page = await client.notifications.inbox({
        limit: PAGE_SIZE,
        before: data.nextCursor,
        unreadOnly,
      });
      update((s) => ({ ...s, items: [...s.items, ...page.items], nextCursor: page.nextCursor }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setMore(false);
    }
  }

  async function open(item: InboxItem) {
    if (!item.readAt) await markRead(item);
    const url = typeof item.data.url === 'string' ? item.data.url : undefined;
    if (url?.startsWith('/')) navigate(url);
  }

  return (
    <main id="main" className="page">
      <header className="page-header row-between">
        <div>
          <h1>Inbox</h1>
          <p className="muted">
            <span data-testid="inbox-unread">{data && unread !== undefined ? unread : '…'}</span> unread ·{' '}
            <Link to="/settings/notifications">Notification settings</Link>
          </p>
        </div>
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
            Unread only
          </label>
          <button
            type="button"
            className="button button-small"
            onClick={() => void markAllRead()}
            disabled={!data || unread === 0}
          >
            Mark all read
          </button>
        </div>
      </header>
      {error ? <ErrorState error={new Error(error)} /> : null}
      <section className="card" aria-label="Notifications">
        {inbox.status === 'error' && !data ? (
          <ErrorState error={inbox.error} onRetry={inbox.reload} />
        ) : !data ? (
          <Loading label="Loading the inbox…" />
        ) : data.items.length === 0 ? (
          <Empty title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
            They appear here the moment they happen.
          </Empty>
        ) : (
          <ul className="inbox-list" aria-live="polite">
            {data.items.map((item) => (
              <li
                key={item.id}
                className={item.readAt ? 'inbox-item' : 'inbox-item inbox-item-unread'}
                data-kind={item.kind}
              >
                <button type="button" className="inbox-open" onClick={() => void open(item)}>
                  <span className="inbox-kind">{kindLabel(item.kind)}</span>
                  <strong className="inbox-title">{item.title}</strong>
                  <span className="inbox-body">{item.body}</span>
                  <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString()}</time>
                </button>
                {item.readAt ? null : (
                  <button
                    type="button"
                    className="button button-small button-ghost"
                    onClick={() => void markRead(item)}
                    aria-label={`Mark “${item.title}” read`}
                  >
                    Mark read
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {data?.nextCursor ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => void loadMore()}
            disabled={more}
          >
            {more ? 'Loading…' : 'Older'}
          </button>
        ) : null}
      </section>
    </main>
  );
}
