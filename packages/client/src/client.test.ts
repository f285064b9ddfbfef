import { describe, expect, it } from 'vitest';
import { createTicklineClient } from './client.ts';
import { createFakeApi } from './testing/fake-api.ts';

const noop = () => {};

describe('client - subscribe options', () => {
  it('client - an SSE subscription without types is refused up front, naming the field', () => {
    const client = createTicklineClient({ baseUrl: 'http://api.test', fetch: createFakeApi().fetch });
    expect(() => client.subscribe(['user:u1'], { transport: 'sse', onEvent: noop })).toThrow(
      expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS', details: { field: 'types' } }),
    );
    expect(() => client.subscribe([], { onEvent: noop })).toThrow(
      expect.objectContaining({ code: 'CLIENT_INVALID_OPTIONS', details: { field: 'channels' } }),
    );
  });

  it('client - with no EventSource in the environment, SSE says which option to pass', () => {
    if ('EventSource' in globalThis) return; // Node 24 has none without a flag; browsers do
    const client = createTicklineClient({ baseUrl: 'http://api.test', fetch: createFakeApi().fetch });
    expect(() => client.subscribe(['user:u1'], { transport: 'sse', types: ['x'], onEvent: noop })).toThrow(
      expect.objectContaining({ code: 'CLIENT_TRANSPORT_UNAVAILABLE', details: { field: 'eventSource' } }),
    );
  });

  it('client - without a session the subscription closes with CLIENT_NOT_SIGNED_IN and opens no socket', async () => {
    const api = createFakeApi();
    const client = createTicklineClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    const statuses: string[] = [];
    const closed = new Promise<unknown>((resolve) =>
      client.subscribe(['user:u1'], {
        onEvent: noop,
        onStatus: (change) => {
          statuses.push(change.status);
          if (change.status === 'closed') resolve(change.error);
        },
      }),
    );
    expect(await closed).toMatchObject({ code: 'CLIENT_NOT_SIGNED_IN' });
    expect(statuses).toEqual(['connecting', 'closed']);
    expect(api.count('POST /api/v1/stream/tickets')).toBe(0);
  });
});
