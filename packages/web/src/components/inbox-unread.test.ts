import { describe, expect, it } from 'vitest';
import {
  inboxUnreadReducer,
  initialInboxUnread,
  type InboxUnreadAction,
  type InboxUnreadState,
} from './inbox-unread.ts';

const run = (actions: InboxUnreadAction[], from: InboxUnreadState = initialInboxUnread) =>
  actions.reduce(inboxUnreadReducer, from).unread;

describe('inbox unread count (bell and inbox page)', () => {
  it('unread - unknown until the API says, then the figure each event carries', () => {
    expect(run([])).toBeUndefined();
    expect(run([{ type: 'fetched', unread: 3 }])).toBe(3);
    // Live delivery while the inbox is open: the event's count, not a local +1.
    expect(
      run([
        { type: 'fetched', unread: 3 },
        { type: 'added', unread: 4 },
      ]),
    ).toBe(4);
  });

  it('unread - a digest is one inbox entry: the count follows the event, whatever the bell saw before', () => {
    // Five notifications held in quiet hours never reached the inbox; their digest is one entry.
    expect(
      run([
        { type: 'fetched', unread: 0 },
        { type: 'added', unread: 1 },
      ]),
    ).toBe(1);
  });

  it('unread - own mark read steps down once, whether the read event comes before or after', () => {
    const after = run([
      { type: 'fetched', unread: 3 },
      { type: 'marked', id: 'a' },
      { type: 'read', ids: ['a'], unread: 2 },
    ]);
    const before = run([
      { type: 'fetched', unread: 3 },
      { type: 'read', ids: ['a'], unread: 2 },
      { type: 'marked', id: 'a' },
    ]);
    expect([after, before]).toEqual([2, 2]);
  });

  it('unread - mark all read here or in another tab leaves zero, and a later entry counts again', () => {
    expect(
      run([{ type: 'fetched', unread: 5 }, { type: 'marked-all' }, { type: 'read', ids: null, unread: 0 }]),
    ).toBe(0);
    expect(
      run([
        { type: 'fetched', unread: 5 },
        { type: 'read', ids: null, unread: 0 },
        { type: 'added', unread: 1 },
      ]),
    ).toBe(1);
  });

  it('unread - a mark read before any figure leaves the count unknown, not negative', () => {
    expect(run([{ type: 'marked', id: 'a' }])).toBeUndefined();
    expect(
      run([
        { type: 'fetched', unread: 0 },
        { type: 'marked', id: 'a' },
      ]),
    ).toBe(0);
  });
});
