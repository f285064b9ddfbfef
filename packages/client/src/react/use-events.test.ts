// @vitest-environment happy-dom
import { act, createElement, StrictMode, useState, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SubscribeOptions, TicklineClient } from '../client.ts';
import type { StatusChange, StreamStatus, Subscription } from '../stream/subscription.ts';
import { TicklineApiError } from '../errors.ts';
import type { StreamEvent } from '@tickline/protocol';
import type { ConnectionState } from './events-store.ts';
import { TicklineProvider } from './provider.ts';
import { useConnectionStatus } from './use-connection-status.ts';
import { useEvents } from './use-events.ts';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

interface FakeSubscription extends Subscription {
  options: SubscribeOptions;
  closed: boolean;
  addedTypes: string[];
  emit(event: Partial<StreamEvent> & { id: string; type: string }): void;
  setStatus(change: StatusChange): void;
}

/** A client whose `subscribe` is recorded and driven by the test. */
function fakeClient(refuse?: Error) {
  const subscriptions: FakeSubscription[] = [];
  const client = {
    subscribe(channels: readonly string[], options: SubscribeOptions): Subscription {
      if (refuse) throw refuse;
      let status: StreamStatus = 'connecting';
      const subscription: FakeSubscription = {
        channels,
        options,
        closed: false,
        addedTypes: [],
        get status() {
          return status;
        },
        lastEventId: `last-of-${subscriptions.length + 1}`,
        addTypes: (types) => void subscription.addedTypes.push(...types),
        close() {
          subscription.closed = true;
          status = 'closed';
        },
        emit: (event) => options.onEvent({ channel: channels[0]!, data: null, ...event }),
        setStatus(change) {
          status = change.status;
          options.onStatus?.(change);
        },
      };
      subscriptions.push(subscription);
      return subscription;
    },
    on: () => () => {},
  } as unknown as TicklineClient;
  return { client, subscriptions, open: () => subscriptions.filter((s) => !s.closed) };
}

let root: Root | undefined;
afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
});

async function render(node: ReactNode): Promise<void> {
  // The project compiles without the DOM lib (server code must not see browser globals).
  const { document } = globalThis as unknown as { document: { createElement(tag: string): never } };
  root ??= createRoot(document.createElement('div'));
  await act(async () => root!.render(node));
}

/** A component that records what its `useEvents` receives. */
function Listener(props: { types: string[]; into: string[]; channels?: string[]; tag?: string }): ReactNode {
  useEvents(props.types, (event) => props.into.push(`${props.tag ?? ''}${event.id}`), {
    ...(props.channels ? { channels: props.channels } : {}),
  });
  return null;
}

describe('react - useEvents', () => {
  it('react - each hook gets only its types, through one subscription for the provider', async () => {
    const fake = fakeClient();
    const a: string[] = [];
    const b: string[] = [];
    await render(
      createElement(
        TicklineProvider,
        { client: fake.client, channels: ['user:u1'] },
        createElement(Listener, { types: ['account.created'], into: a }),
        createElement(Listener, { types: ['account.snapshot.generated', 'account.created'], into: b }),
      ),
    );
    expect(fake.subscriptions).toHaveLength(1);
    const [subscription] = fake.subscriptions;
    expect(subscription!.channels).toEqual(['user:u1']);
    expect([...subscription!.options.types!].sort()).toEqual([
      'account.created',
      'account.snapshot.generated',
    ]);

    await act(async () => {
      subscription!.emit({ id: 'e1', type: 'account.created' });
      subscription!.emit({ id: 'e2', type: 'account.snapshot.generated' });
      subscription!.emit({ id: 'e3', type: 'market.trade' });
    });
    expect(a).toEqual(['e1']);
    expect(b).toEqual(['e1', 'e2']);
  });

  it('react - re-rendering with a new inline handler keeps the subscription and calls the newest handler', async () => {
    const fake = fakeClient();
    const calls: string[] = [];
    let bump: () => void = () => {};
    function Counter(): ReactNode {
      const [n, setN] = useState(0);
      bump = () => setN((v) => v + 1);
      useEvents(['tick'], (event) => calls.push(`render${n}:${event.id}`));
      return null;
    }
    await render(
      createElement(TicklineProvider, { client: fake.client, channels: ['user:u1'] }, createElement(Counter)),
    );
    await act(async () => bump());
    await act(async () => bump());
    await act(async () => fake.subscriptions[0]!.emit({ id: 'e1', type: 'tick' }));
    expect(fake.subscriptions).toHaveLength(1);
    expect(fake.subscriptions[0]!.closed).toBe(false);
    expect(calls).toEqual(['render2:e1']);
  });

  it('react - unmounting a hook stops its calls; unmounting the last one unsubscribes', async () => {
    const fake = fakeClient();
    const a: string[] = [];
    const b: string[] = [];
    const tree = (showA: boolean, showB: boolean) =>
      createElement(
        TicklineProvider,
        { client: fake.client, channels: ['user:u1'] },
        showA ? createElement(Listener, { types: ['x'], into: a, key: 'a' }) : null,
        showB ? createElement(Listener, { types: ['x'], into: b, key: 'b' }) : null,
      );
    await render(tree(true, true));
    const subscription = fake.subscriptions[0]!;
    await render(tree(false, true));
    await act(async () => subscription.emit({ id: 'e1', type: 'x' }));
    expect(a).toEqual([]);
    expect(b).toEqual(['e1']);
    expect(subscription.closed).toBe(false);

    await render(tree(false, false));
    expect(subscription.closed).toBe(true);
    expect(fake.open()).toEqual([]);
    // Mounting again resumes where the closed subscription stopped.
    await render(tree(true, false));
    expect(fake.subscriptions).toHaveLength(2);
    expect(fake.subscriptions[1]!.options.lastEventId).toBe('last-of-1');
  });

  it('react - unmounting the provider closes its subscription', async () => {
    const fake = fakeClient();
    await render(
      createElement(
        TicklineProvider,
        { client: fake.client, channels: ['user:u1'] },
        createElement(Listener, { types: ['x'], into: [] }),
      ),
    );
    await act(async () => root!.unmount());
    root = undefined;
    expect(fake.subscriptions[0]!.closed).toBe(true);
  });

  it('react - StrictMode mounts twice but subscribes once', async () => {
    const fake = fakeClient();
    await render(
      createElement(
        StrictMode,
        null,
        createElement(
          TicklineProvider,
          { client: fake.client, channels: ['user:u1'] },
          createElement(Listener, { types: ['x'], into: [] }),
        ),
      ),
    );
    expect(fake.subscriptions).toHaveLength(1);
    expect(fake.open()).toHaveLength(1);
  });

  it('react - channels named by a hook join the subscription and filter what that hook gets', async () => {
    const fake = fakeClient();
    const user: string[] = [];
    const market: string[] = [];
    const tree = (withMarket: boolean) =>
      createElement(
        TicklineProvider,
        { client: fake.client, channels: ['user:u1'] },
        createElement(Listener, { types: [], into: user, channels: ['user:u1'] }),
        withMarket
          ? createElement(Listener, {
              types: ['market.trade'],
              into: market,
              channels: ['market:BTC-USD:trades'],
            })
          : null,
      );
    await render(tree(false));
    await render(tree(true));
    expect(fake.open()).toHaveLength(1);
    const current = fake.open()[0]!;
    expect(current.channels).toEqual(['market:BTC-USD:trades', 'user:u1']);
    expect(current.options.lastEventId).toBe('last-of-1');
    // A hook listening to every type makes the subscription deliver every type.
    expect(current.options.types).toEqual([]);
    await act(async () => {
      current.options.onEvent({
        id: 'm1',
        type: 'market.trade',
        channel: 'market:BTC-USD:trades',
        data: null,
      });
      current.options.onEvent({ id: 'u1', type: 'account.created', channel: 'user:u1', data: null });
    });
    expect(market).toEqual(['m1']);
    expect(user).toEqual(['u1']);
  });
});

describe('react - provider edge cases', () => {
  it('react - a hook for every type widens a filtered subscription by resubscribing from the same position', async () => {
    const fake = fakeClient();
    const all: string[] = [];
    const tree = (withAll: boolean) =>
      createElement(
        TicklineProvider,
        { client: fake.client, channels: ['user:u1'] },
        createElement(Listener, { types: ['x'], into: [] }),
        withAll ? createElement(Listener, { types: [], into: all }) : null,
      );
    await render(tree(false));
    expect(fake.subscriptions[0]!.options.types).toEqual(['x']);
    await render(tree(true));
    expect(fake.subscriptions[0]!.closed).toBe(true);
    expect(fake.open()).toHaveLength(1);
    expect(fake.open()[0]!.options).toMatchObject({ types: [], lastEventId: 'last-of-1' });
    await act(async () => fake.open()[0]!.emit({ id: 'e1', type: 'anything' }));
    expect(all).toEqual(['e1']);
    // Narrowing again keeps the unfiltered subscription.
    await render(tree(false));
    expect(fake.subscriptions).toHaveLength(2);
  });

  it('react - a subscription the client refuses shows as closed with the error instead of throwing', async () => {
    const refused = new TicklineApiError('CLIENT_INVALID_OPTIONS', 'an SSE subscription needs `types`');
    const fake = fakeClient(refused);
    let state: ConnectionState | undefined;
    function Status(): ReactNode {
      state = useConnectionStatus();
      return null;
    }
    await render(
      createElement(
        TicklineProvider,
        { client: fake.client, channels: ['user:u1'], transport: 'sse' },
        createElement(Status),
        createElement(Listener, { types: [], into: [] }),
      ),
    );
    expect(state).toEqual({ status: 'closed', attempt: 0, error: refused });
  });
});

describe('react - useConnectionStatus', () => {
  it('react - follows the subscription: idle, connecting, open, reconnecting with the attempt', async () => {
    const fake = fakeClient();
    const seen: string[] = [];
    function Status(): ReactNode {
      const state = useConnectionStatus();
      seen.push(state.attempt ? `${state.status}#${state.attempt}` : state.status);
      return null;
    }
    const tree = (listening: boolean) =>
      createElement(
        TicklineProvider,
        { client: fake.client, channels: ['user:u1'] },
        createElement(Status),
        listening ? createElement(Listener, { types: ['x'], into: [] }) : null,
      );
    await render(tree(false));
    expect(seen.at(-1)).toBe('idle');
    await render(tree(true));
    // The fake does not report `connecting` itself: drive every status from the test.
    const subscription = fake.subscriptions[0]!;
    await act(async () => subscription.setStatus({ status: 'connecting', attempt: 0 }));
    expect(seen.at(-1)).toBe('connecting');
    await act(async () => subscription.setStatus({ status: 'open', attempt: 0 }));
    expect(seen.at(-1)).toBe('open');
    await act(async () => subscription.setStatus({ status: 'reconnecting', attempt: 2, delayMs: 1000 }));
    expect(seen.at(-1)).toBe('reconnecting#2');
    await render(tree(false));
    expect(seen.at(-1)).toBe('idle');
  });
});
