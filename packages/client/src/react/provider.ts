/** @module `TicklineProvider`: one client and one event subscription for the components below it. */
import { createElement, useEffect, useRef, useState, type ReactNode } from 'react';
import type { TicklineClient } from '../client.ts';
import type { TransportKind } from '../stream/transport.ts';
import type { StreamReset } from '@tickline/protocol';
import { TicklineContext } from './context.ts';
import { EventsStore } from './events-store.ts';

export interface TicklineProviderProps {
  /** Read once: to switch clients, remount the provider (give it a `key`). */
  client: TicklineClient;
  /** Channels to subscribe to besides those the hooks name, e.g. `[`user:${userId}`]`. @default [] */
  channels?: readonly string[];
  /** @default the client's default transport */
  transport?: TransportKind;
  /** Resume position for the first connect (read once, at mount). */
  lastEventId?: string;
  /** Called when the server could not replay a gap: refetch the state shown. */
  onReset?: (reset: StreamReset) => void;
  children?: ReactNode;
}

/**
 * Shares `client` and one subscription with every `useEvents` below.
 * @example
 * createElement(TicklineProvider, { client, channels: [`user:${user.id}`] }, createElement(App))
 */
export function TicklineProvider(props: TicklineProviderProps): ReactNode {
  const { client, transport } = props;
  const onResetRef = useRef(props.onReset);
  useEffect(() => {
    onResetRef.current = props.onReset;
  });
  const [store] = useState(
    () =>
      new EventsStore(client, {
        ...(transport ? { transport } : {}),
        ...(props.lastEventId !== undefined ? { lastEventId: props.lastEventId } : {}),
        onReset: (reset) => onResetRef.current?.(reset),
      }),
  );

  const channelsKey = [...(props.channels ?? [])].sort().join(',');
  useEffect(() => store.setChannels(channelsKey === '' ? [] : channelsKey.split(',')), [store, channelsKey]);
  useEffect(() => {
    store.activate();
    const off = client.on('signedIn', () => store.retry());
    return () => {
      off();
      store.deactivate();
    };
  }, [store, client]);

  const [value] = useState(() => ({ client, store }));
  return createElement(TicklineContext.Provider, { value }, props.children);
}
