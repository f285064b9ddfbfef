/**
 * @module A connection whose frames another transport writes — GraphQL subscriptions over
 * graphql-ws, served by Mercurius — admitted by the gateway like its own streams: the same
 * connection cap, the same per-user stream limit (its lease counts beside the user's SSE and
 * WebSocket streams, across gateways where the counter is Redis), the same revocation re-check,
 * age limit and shutdown. The gateway decides when it ends; the transport does the closing.
 */
import type { RealtimeErrorCode } from '../errors.ts';
import type { TransportCounters } from '../connection/counters.ts';

/** How the transport ends its connection when the gateway says so (revoked, expired, shutdown). */
export type EndExternalConnection = (reason: RealtimeErrorCode, message: string) => void;

/** What the connection asks of the gateway that admitted it. */
export interface ExternalConnectionHost {
  releaseExternal(connection: ExternalConnection<unknown>): void;
}

let nextExternalId = 1;

export class ExternalConnection<P = unknown> {
  readonly id = nextExternalId++;
  readonly principal: P;
  /** Clock time after which the gateway ends it with RT_SESSION_EXPIRED. */
  readonly expiresAt: number;
  /**
   * The transport's totals (messages, bytes, slow-consumer closes, coalesced): the transport
   * bumps them, the gateway's metrics report them as `transport="graphql"`.
   */
  readonly counters: TransportCounters;
  readonly #end: EndExternalConnection;
  readonly #host: ExternalConnectionHost;
  #closed = false;

  constructor(init: {
    principal: P;
    expiresAt: number;
    counters: TransportCounters;
    end: EndExternalConnection;
    host: ExternalConnectionHost;
  }) {
    this.principal = init.principal;
    this.expiresAt = init.expiresAt;
    this.counters = init.counters;
    this.#end = init.end;
    this.#host = init.host;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends it from the gateway's side: frees its slot, then asks the transport to close, once. */
  close(reason: RealtimeErrorCode, message: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.releaseExternal(this);
    this.#end(reason, message);
  }

  /** The transport closed it (the peer left, or it refused a slow consumer): frees its slot. */
  release(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.releaseExternal(this);
  }
}
