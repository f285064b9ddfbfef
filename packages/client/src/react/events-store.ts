/**
 * @module The state behind one `TicklineProvider`, free of React: one subscription for every
 * `useEvents` below it (channels and types are the union of what the hooks ask for), dispatch by
 * type and channel, and the connection status for `useConnectionStatus`.
 *
 * Changes are applied on a microtask, so a render that mounts and unmounts several hooks (or React
 * StrictMode's mount–unmount–mount) costs at most one resubscribe, and usually none.
 */
import type { TicklineClient } from '../client.ts';
import { TicklineApiError, isTicklineApiError } from '../errors.ts';
import { StreamStatus, type StatusChange, type Subscription } from '../stream/subscription.ts';
import type { TransportKind } from '../stream/transport.ts';
import type { StreamEvent, StreamReset } from '@tickline/protocol';

/** `idle`: no hook is listening, so nothing is subscribed. */
export type ConnectionStatus = StreamStatus | 'idle';

export interface ConnectionState {
  status: ConnectionStatus;
  attempt: number;
  error?: TicklineApiError;
}

export interface EventsListener {
  /** Empty = every type. */
  types: ReadonlySet<string>;
  /** Undefined = every channel of the provider. */
  channels: ReadonlySet<string> | undefined;
  handle(event: StreamEvent): void;
  reset?(reset: StreamReset): void;
}

export interface EventsStoreOptions {
  channels?: readonly string[];
  transport?: TransportKind;
  lastEventId?: string;
  onReset?(reset: StreamReset): void;
}

const IDLE: ConnectionState = { status: 'idle', attempt: 0 };

export class EventsStore {
  readonly #client: TicklineClient;
  readonly #options: EventsStoreOptions;
  readonly #listeners = new Set<EventsListener>();
  readonly #statusListeners = new Set<() => void>();
  #baseChannels: readonly string[];
  #subscription: Subscription | undefined;
  #channelsKey = '';
  /** The current subscription delivers every type (no filter). */
  #allTypes = false;
  #lastEventId: string | undefined;
  #state: ConnectionState = IDLE;
  #active = false;
  #scheduled = false;

  constructor(client: TicklineClient, options: EventsStoreOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.#baseChannels = options.channels ?? [];
    this.#lastEventId = options.lastEventId;
  }

  /** Adds a listener; returns its removal. */
  addListener(listener: EventsListener): () => void {
    this.#listeners.add(listener);
    this.#schedule();
    return () => {
      this.#listeners.delete(listener);
      this.#schedule();
    };
  }

  /** The provider's own channels (joined with the hooks'). */
  setChannels(channels: readonly string[]): void {
    this.#baseChannels = channels;
    this.#schedule();
  }

  /** Tries again after the subscription gave up (the provider calls it on sign-in). */
  retry(): void {
    this.#schedule();
  }

  /** Mounted: subscriptions may open. */
  activate(): void {
    this.#active = true;
    this.#schedule();
  }

  /** Unmounted: closes the subscription (keeping the resume position for a remount). */
  deactivate(): void {
    this.#active = false;
    this.#schedule();
  }

  getState = (): ConnectionState => this.#state;

  onStateChange = (listener: () => void): (() => void) => {
    this.#statusListeners.add(listener);
    return () => void this.#statusListeners.delete(listener);
  };

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#reconcile();
    });
  }

  #reconcile(): void {
    const channels = this.#active && this.#listeners.size > 0 ? this.#wantedChannels() : [];
    const key = channels.join(',');
    const types = this.#wantedTypes();
    const live = this.#subscription && this.#subscription.status !== StreamStatus.Closed;
    // A filtered subscription cannot widen to every type in place; the reverse needs no change.
    if (live && key === this.#channelsKey && (this.#allTypes || types.length > 0)) {
      if (!this.#allTypes) this.#subscription!.addTypes(types);
      return;
    }
    this.#stop();
    this.#channelsKey = key;
    this.#allTypes = types.length === 0;
    if (channels.length === 0) return;
    // Until `subscribe` returns (it reports `connecting` synchronously) the new one is current.
    const mine: { subscription?: Subscription } = {};
    const current = () => mine.subscription === undefined || this.#subscription === mine.subscription;
    try {
      mine.subscription = this.#client.subscribe(channels, {
        types,
        ...(this.#options.transport ? { transport: this.#options.transport } : {}),
        ...(this.#lastEventId !== undefined ? { lastEventId: this.#lastEventId } : {}),
        onEvent: (event) => current() && this.#dispatch(event),
        onReset: (reset) => current() && this.#reset(reset),
        onStatus: (change) => current() && this.#setState(change),
      });
    } catch (error) {
      // A wiring mistake (no WebSocket here, SSE without types): shown through the status, not thrown
      // from a microtask where no component could catch it.
      this.#setState({ status: StreamStatus.Closed, attempt: 0, error: asApiError(error) });
      return;
    }
    this.#subscription = mine.subscription;
  }

  #stop(): void {
    const subscription = this.#subscription;
    if (!subscription) return;
    this.#lastEventId = subscription.lastEventId ?? this.#lastEventId;
    this.#subscription = undefined;
    subscription.close();
    this.#setState(IDLE);
  }

  #wantedChannels(): string[] {
    const channels = new Set(this.#baseChannels);
    for (const listener of this.#listeners)
      for (const channel of listener.channels ?? []) channels.add(channel);
    return [...channels].sort();
  }

  #wantedTypes(): string[] {
    const types = new Set<string>();
    for (const listener of this.#listeners) {
      // One listener for every type means the subscription must deliver every type.
      if (listener.types.size === 0) return [];
      for (const type of listener.types) types.add(type);
    }
    return [...types];
  }

  #dispatch(event: StreamEvent): void {
    for (const listener of [...this.#listeners]) {
      if (listener.types.size > 0 && !listener.types.has(event.type)) continue;
      if (listener.channels && !listener.channels.has(event.channel)) continue;
      guarded(() => listener.handle(event));
    }
  }

  #reset(reset: StreamReset): void {
    if (this.#options.onReset) guarded(() => this.#options.onReset!(reset));
    for (const listener of [...this.#listeners]) {
      if (!listener.reset) continue;
      if (listener.channels && !reset.channels.some((c) => listener.channels!.has(c))) continue;
      guarded(() => listener.reset!(reset));
    }
  }

  #setState(change: StatusChange | ConnectionState): void {
    const next: ConnectionState = {
      status: change.status,
      attempt: change.attempt,
      ...(change.error ? { error: change.error } : {}),
    };
    if (
      next.status === this.#state.status &&
      next.attempt === this.#state.attempt &&
      next.error === this.#state.error
    )
      return;
    this.#state = next;
    for (const listener of [...this.#statusListeners]) listener();
  }
}

/** Runs an app callback; its exception surfaces on a microtask instead of stopping dispatch. */
function guarded(run: () => void): void {
  try {
    run();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

function asApiError(error: unknown): TicklineApiError {
  if (isTicklineApiError(error)) return error;
  return new TicklineApiError(
    'CLIENT_INVALID_OPTIONS',
    error instanceof Error ? error.message : String(error),
    {
      cause: error,
    },
  );
}
