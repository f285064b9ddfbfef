/**
 * @module The connections a process may hold across all its listeners — the HTTP server (its
 * WebSockets and streams included) and the game's TCP port — sized as the open-files limit less
 * the descriptors kept for the process's own work (event log segments, database, sandbox pipes).
 * One budget per process: a listener counting only its own sockets was sized on descriptors that
 * another listener's connections could take, and the event log would meet EMFILE again.
 */

/** What the budget needs of a socket: to hear when it closes (a socket emits 'close' once). */
export interface BudgetedSocket {
  on(event: 'close', listener: () => void): unknown;
}

export class ConnectionBudget {
  /** Connections in all; undefined when the open-files limit is unknown (no cap). */
  readonly max: number | undefined;
  #open = 0;
  /**
   * The one 'close' listener of every socket taken: `once` would wrap it in a closure per socket,
   * held for the connection's life (~250 bytes per WebSocket or stream, issue 50).
   */
  readonly #release = (): void => {
    this.#open -= 1;
  };

  constructor(max: number | undefined) {
    this.max = max;
  }

  /** Connections counted now, on every listener. */
  get open(): number {
    return this.#open;
  }

  /** Whether a new connection would pass the budget (check before other caps, then `take`). */
  get spent(): boolean {
    return this.max !== undefined && this.#open >= this.max;
  }

  /** Counts `socket` until it closes; false, counting nothing, when the budget is spent. */
  take(socket: BudgetedSocket): boolean {
    if (this.spent) return false;
    this.#open += 1;
    socket.on('close', this.#release);
    return true;
  }

  /**
   * Counts a connection whose owner already listens for its close and will call {@link letGo}
   * once then: a socket's second 'close' listener grows its listener array (~0.14 KB, issue 50).
   */
  hold(): boolean {
    if (this.spent) return false;
    this.#open += 1;
    return true;
  }

  /** Uncounts a connection counted with {@link hold}. */
  letGo(): void {
    this.#open -= 1;
  }
}
