/**
 * @module A `graphql-ws` client for tests (the library's own, over `ws`) that records what each
 * subscription received and how the connection closed.
 */
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';

/** What one subscription received so far. */
export interface Received {
  data: unknown[];
  errors: Array<{ message: string; extensions?: { code?: string; details?: unknown } }>;
  /** Completed, or ended by an error. */
  done: boolean;
}

/** A client with the close codes its connection saw. */
export interface TestGraphqlWsClient extends Client {
  closes: number[];
  /** Subscribes and records into the returned object. */
  record(query: string, variables?: Record<string, unknown>): Received;
}

/** A client of `url` (ws://…/api/v1/graphql) sending `connectionParams` on init; never retries. */
export function graphqlWsClient(url: string, connectionParams?: Record<string, string>): TestGraphqlWsClient {
  const closes: number[] = [];
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    // Connected until disposed: a lazy client closes itself once its last subscription failed,
    // racing the server's close code.
    lazy: false,
    // Its default logs every refused connection; each subscription reports its own error.
    onNonLazyError: () => undefined,
    ...(connectionParams ? { connectionParams } : {}),
    on: { closed: (event) => void closes.push((event as { code: number }).code) },
  });
  const record = (query: string, variables?: Record<string, unknown>): Received => {
    const received: Received = { data: [], errors: [], done: false };
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (result) => {
          if (result.data) received.data.push(result.data);
          if (result.errors) received.errors.push(...(result.errors as Received['errors']));
        },
        error: (error) => {
          if (Array.isArray(error)) received.errors.push(...(error as Received['errors']));
          received.done = true;
        },
        complete: () => void (received.done = true),
      },
    );
    return received;
  };
  return Object.assign(client, { closes, record });
}
