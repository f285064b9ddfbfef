import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../hub/hub.ts';
import { createRealtimeGateway, type RealtimeGateway } from './gateway.ts';

interface User {
  id: string;
  sv: number;
}

let gateway: RealtimeGateway<User> | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function gatewayOf(options: { maxConnections?: number; revoked?: Set<string> } = {}) {
  gateway = createRealtimeGateway<User>({
    hub: createHub(),
    authenticate: () => null,
    authorize: () => true,
    principals: {
      connectionLimit: (user) => ({ key: user.id, max: 2 }),
      isCurrent: (user) => !options.revoked?.has(user.id),
      recheckIntervalMs: 20,
    },
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    metrics: createMetricsRegistry({ processMetrics: false }),
    logger: silentLogger,
  });
  return gateway;
}

const ended = () => {
  const reasons: string[] = [];
  return { reasons, end: (reason: string) => void reasons.push(reason) };
};

describe('gateway - connections of another transport (GraphQL over graphql-ws)', () => {
  it("external connections - count against the user's stream limit and free their slot on release", async () => {
    const g = gatewayOf();
    const ada = { id: 'ada', sv: 1 };
    const first = await g.admitConnection(ada, ended().end);
    await g.admitConnection(ada, ended().end);
    await expect(g.admitConnection(ada, ended().end)).rejects.toMatchObject({
      code: 'RT_USER_CONNECTION_LIMIT',
    });
    expect(g.stats().graphql.connections).toBe(2);
    first.release();
    expect(g.stats().graphql.connections).toBe(1);
    await expect(g.admitConnection(ada, ended().end)).resolves.toBeDefined();
    // Another user has slots of their own.
    await expect(g.admitConnection({ id: 'bob', sv: 1 }, ended().end)).resolves.toBeDefined();
  });

  it('external connections - share the connection cap and end with RT_SHUTTING_DOWN on close', async () => {
    const g = gatewayOf({ maxConnections: 1 });
    const one = ended();
    await g.admitConnection({ id: 'ada', sv: 1 }, one.end);
    await expect(g.admitConnection({ id: 'bob', sv: 1 }, ended().end)).rejects.toMatchObject({
      code: 'RT_TOO_MANY_CONNECTIONS',
    });
    await g.close();
    expect(one.reasons).toEqual(['RT_SHUTTING_DOWN']);
    await expect(g.admitConnection({ id: 'bob', sv: 1 }, ended().end)).rejects.toMatchObject({
      code: 'RT_SHUTTING_DOWN',
    });
  });

  it('external connections - a revoked credential is refused, and an open one is ended once', async () => {
    const revoked = new Set<string>();
    const g = gatewayOf({ revoked });
    const ada = ended();
    const connection = await g.admitConnection({ id: 'ada', sv: 1 }, ada.end);
    revoked.add('ada');
    await expect(g.admitConnection({ id: 'ada', sv: 1 }, ended().end)).rejects.toMatchObject({
      code: 'RT_SESSION_REVOKED',
    });
    await until(() => connection.closed, { timeoutMs: 15_000, what: 'the revoked connection to close' });
    expect(ada.reasons).toEqual(['RT_SESSION_REVOKED']);
    expect(g.stats().graphql.connections).toBe(0);
    connection.close('RT_SLOW_CONSUMER', 'again');
    expect(ada.reasons).toEqual(['RT_SESSION_REVOKED']);
  });

  it('external connections - a sign-out everywhere ends them like the other streams', async () => {
    const g = gatewayOf();
    const ada = ended();
    await g.admitConnection({ id: 'ada', sv: 1 }, ada.end);
    expect(g.disconnect((user) => user.id === 'ada', 'RT_SESSION_REVOKED')).toBe(1);
    expect(ada.reasons).toEqual(['RT_SESSION_REVOKED']);
  });
});
