/**
 * @module The inbox's unread count as the dashboard shows it (bell badge and inbox page alike):
 * one value, taken from the API — a fetched page or count, and the count each
 * `notification.inbox.added` / `notification.inbox.read` event carries on `user:{id}`. The dashboard
 * never counts on its own, except to step down at once after its own "mark read" (and only once
 * per entry: the event for the same entry may arrive before or after the API answer).
 */

export interface InboxUnreadState {
  /** undefined until the first figure from the API. */
  unread: number | undefined;
  /** Entries known read since the last figure, so one entry is never taken off twice. */
  readIds: ReadonlySet<string>;
}

export type InboxUnreadAction =
  /** A figure from the API: a fetched inbox page or `GET …/unread-count`. */
  | { type: 'fetched'; unread: number }
  /** `notification.inbox.added`: the count after the new entry. */
  | { type: 'added'; unread: number }
  /** `notification.inbox.read`: which entries (null: all) and the count after. */
  | { type: 'read'; ids: readonly string[] | null; unread: number }
  /** This tab's own mark read of `id` succeeded. */
  | { type: 'marked'; id: string }
  /** This tab's own mark all read succeeded. */
  | { type: 'marked-all' };

export const initialInboxUnread: InboxUnreadState = { unread: undefined, readIds: new Set() };

export function inboxUnreadReducer(state: InboxUnreadState, action: InboxUnreadAction): InboxUnreadState {
  switch (action.type) {
    case 'fetched':
    case 'added':
      return { unread: action.unread, readIds: state.readIds };
    case 'read': {
      const readIds = new Set(state.readIds);
      for (const id of action.ids ?? []) readIds.add(id);
      return { unread: action.unread, readIds };
    }
    case 'marked': {
      if (state.readIds.has(action.id)) return state;
      const readIds = new Set(state.readIds).add(action.id);
      return { unread: state.unread === undefined ? undefined : Math.max(0, state.unread - 1), readIds };
    }
    case 'marked-all':
      return { unread: 0, readIds: state.readIds };
  }
}
