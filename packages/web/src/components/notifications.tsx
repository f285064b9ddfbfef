/**
 * @module Notifications: every event on the user's own channel (`user:{id}`), kept newest first,
 * fed by `useEvents`; the newest also shows as a toast for a few seconds. The bell's badge is the
 * inbox's unread count from the API ({@link inboxUnreadReducer}), the same figure the inbox page
 * shows: the panel's live list is what happened, the badge what is still unread.
 */
import { EventType, type InboxAdded, type InboxRead, type StreamEvent } from '@tickline/protocol';
import { useEvents } from '@tickline/client/react';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Link, useRouter } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { describeEvent } from './describe-event.ts';
import { inboxUnreadReducer, initialInboxUnread, type InboxUnreadAction } from './inbox-unread.ts';

/** Events kept in the panel. */
const MAX_NOTIFICATIONS = 50;
const TOAST_MS = 6_000;

export interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  receivedAt: Date;
  read: boolean;
}

interface NotificationsValue {
  items: readonly Notification[];
  /** The inbox's unread count (API and live events); undefined until first known. */
  unread: number | undefined;
  /** Tells the count what this tab did or fetched (the inbox page's marks and pages). */
  updateUnread: (action: InboxUnreadAction) => void;
  toast: Notification | undefined;
  /** The panel was looked at: its live entries lose their "new" mark (the inbox count is not touched). */
  markSeen: () => void;
  dismissToast: () => void;
}

const NotificationsContext = createContext<NotificationsValue | null>(null);

/**
 * Events on the user's channel that are not news for the bell: a running backtest's progress (the
 * strategy page shows it), and the notify service's inbox copy of an event the stream already
 * brought (the bell would show it twice).
 */
const QUIET_TYPES: ReadonlySet<string> = new Set<string>([
  EventType.BacktestProgress,
  EventType.HistoryDownloadProgress,
  EventType.NotificationInboxAdded,
  EventType.NotificationInboxRead,
  // An order's steps: the booked fill (portfolio.order.filled) and a refusal are what is told.
  EventType.OrderPlaced,
  EventType.OrderFilled,
  EventType.OrderCancelled,
]);

/** Collects the events of `channel`; render inside a `TicklineProvider`. */
export function NotificationsProvider({
  channel,
  children,
}: {
  channel: string;
  children: ReactNode;
}): ReactNode {
  const [items, setItems] = useState<Notification[]>([]);
  const [toast, setToast] = useState<Notification>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const { client } = useSession();
  const [inbox, updateUnread] = useReducer(inboxUnreadReducer, initialInboxUnread);
  // Live figures seen so far. A count fetched while a live one arrived may be older than it (the
  // GET was answered before the insert the event reports, its reply came after): ask again rather
  // than let a stale 0 overwrite the 1 the stream just told.
  const liveFigures = useRef(0);
  const fetchUnread = useCallback(() => {
    const seen = liveFigures.current;
    client.notifications.unreadCount().then(
      (unread) => {
        if (liveFigures.current === seen) updateUnread({ type: 'fetched', unread });
        else fetchUnread();
      },
      // No count yet (notify not composed, offline): the badge stays empty until an event.
      () => undefined,
    );
  }, [client]);
  useEffect(fetchUnread, [fetchUnread]);

  useEvents(
    [],
    (event: StreamEvent) => {
      if (event.type === EventType.NotificationInboxAdded) {
        liveFigures.current++;
        updateUnread({ type: 'added', unread: (event.data as InboxAdded).unread });
      }
      if (event.type === EventType.NotificationInboxRead) {
        liveFigures.current++;
        const { ids, unread } = event.data as InboxRead;
        updateUnread({ type: 'read', ids, unread });
      }
      if (QUIET_TYPES.has(event.type)) return;
      const { title, body } = describeEvent(event);
      const item: Notification = {
        id: event.id,
        type: event.type,
        title,
        body,
        receivedAt: new Date(),
        read: false,
      };
      setItems((previous) =>
        previous.some((n) => n.id === item.id) ? previous : [item, ...previous].slice(0, MAX_NOTIFICATIONS),
      );
      setToast(item);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setToast(undefined), TOAST_MS);
    },
    // Events missed while the stream was away may have changed the count: ask again.
    { channels: [channel], onReset: fetchUnread },
  );
  useEffect(() => () => clearTimeout(timer.current), []);

  const markSeen = useCallback(
    () => setItems((previous) => previous.map((n) => (n.read ? n : { ...n, read: true }))),
    [],
  );
  const dismissToast = useCallback(() => setToast(undefined), []);
  const value = useMemo(
    () => ({ items, unread: inbox.unread, updateUnread, toast, markSeen, dismissToast }),
    [items, inbox.unread, toast, markSeen, dismissToast],
  );
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): NotificationsValue {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error('useNotifications outside NotificationsProvider');
  return value;
}

/** The bell and its panel (a disclosure: Escape closes it and returns focus to the bell). */
export function NotificationsButton(): ReactNode {
  const { items, unread = 0, markSeen } = useNotifications();
  const [open, setOpen] = useState(false);
  const { path } = useRouter();
  const button = useRef<HTMLButtonElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const close = (returnFocus = true) => {
    setOpen(false);
    markSeen();
    if (returnFocus) button.current?.focus();
  };
  // A click elsewhere closes the panel (focus stays where the click put it).
  const closeRef = useRef(close);
  closeRef.current = close;
  // Following a link in the panel (inbox, settings) closes it.
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) closeRef.current(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);
  return (
    <div
      ref={wrapper}
      className="notifications"
      onKeyDown={(event) => {
        if (open && event.key === 'Escape') close();
      }}
    >
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-expanded={open}
        aria-controls="notifications-panel"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M12 3a6 6 0 0 0-6 6v3.5L4 16h16l-2-3.5V9a6 6 0 0 0-6-6Zm-2 15a2 2 0 0 0 4 0"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
          />
        </svg>
        {unread > 0 ? <span className="badge">{unread}</span> : null}
      </button>
      {open ? (
        <section id="notifications-panel" className="notifications-panel" aria-label="Notifications">
          <header>
            <h2>Notifications</h2>
            <button type="button" className="button button-small button-ghost" onClick={() => close()}>
              Close
            </button>
          </header>
          <NotificationList items={items} />
          <footer className="row">
            <Link to="/notifications" className="button button-small">
              Open inbox
            </Link>
            <Link to="/settings/notifications" className="button button-small button-ghost">
              Settings
            </Link>
          </footer>
        </section>
      ) : null}
    </div>
  );
}

/** The list itself, also shown on the overview page. */
export function NotificationList({ items }: { items: readonly Notification[] }): ReactNode {
  if (items.length === 0) {
    return (
      <p className="muted notifications-empty">
        No notifications yet. They appear here the moment they happen.
      </p>
    );
  }
  return (
    <ul className="notification-list" aria-live="polite">
      {items.map((n) => (
        <li
          key={n.id}
          className={n.read ? 'notification' : 'notification notification-unread'}
          data-type={n.type}
        >
          <div className="notification-title">{n.title}</div>
          <div className="notification-body">{n.body}</div>
          <time dateTime={n.receivedAt.toISOString()}>{n.receivedAt.toLocaleTimeString()}</time>
        </li>
      ))}
    </ul>
  );
}

/** The newest notification for a few seconds, announced politely. */
export function Toast(): ReactNode {
  const { toast, dismissToast } = useNotifications();
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {toast ? (
        <div className="toast" data-type={toast.type}>
          <div>
            <strong>{toast.title}</strong>
            <div>{toast.body}</div>
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismissToast}>
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
