import { createInProcessRequestReply, type RequestReply } from '@tickline/eventlog';
import { createMetricsRegistry, ServiceStatus, silentLogger } from '@tickline/kernel';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerModule } from '../domains.ts';
import { createHttpApp } from '../http/app.ts';
import { registerApiScope } from './api-scope.ts';
import {
  FORWARD_MAX_BODY_BYTES,
  forwardingRoutes,
  isForwardedHere,
  serveForwardedRoutes,
} from '@tickline/realtime';
import { PUBLIC_ROUTE } from '../http/route-scopes.ts';

/** A domain whose handlers and hooks need its host: they must run on the owner only. */
interface DemoHost {
  readonly items: Map<string, string>;
  readonly seenRequestIds: string[];
}
const demoModule = {
  name: 'demo',
  routes: (host: DemoHost): FastifyPluginAsync =>
    async function demoRoutes(app) {
      app.get(
        '/demo/:id',
        {
          ...PUBLIC_ROUTE,
          preHandler: async (request, reply) => {
            host.seenRequestIds.push(request.id);
            if (request.headers.authorization !== 'Bearer ok')
              await reply.code(401).send({ error: { code: 'AUTH_REQUIRED' } });
          },
        },
        async (request) => ({ item: host.items.get((request.params as { id: string }).id) }),
      );
      app.get('/demo/:id/forwarded', PUBLIC_ROUTE, async (request) => ({
        forwarded: isForwardedHere(request),
      }));
      app.post('/demo', PUBLIC_ROUTE, async (request, reply) => reply.code(201).send({ echo: request.body }));
    },
} as unknown as ServerModule;

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function appWith(plugin: FastifyPluginAsync | undefined): Promise<FastifyInstance> {
  const app = createHttpApp({
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    health: () => ({ eventlog: { status: ServiceStatus.Up } }),
    bodyLimitBytes: 4 * 1024 * 1024,
  });
  apps.push(app);
  await registerApiScope(app, { plugins: plugin ? [plugin] : [], limiter: undefined });
  await app.ready();
  return app;
}

async function topology(host: DemoHost, rpc: RequestReply = createInProcessRequestReply()) {
  const owner = await appWith(demoModule.routes!(host));
  await serveForwardedRoutes(owner, rpc, ['demo']);
  const gateway = await appWith(forwardingRoutes(demoModule, { rpc, owner: 'platform' }));
  return { owner, gateway };
}

describe('route forwarding', () => {
  it('forwarding - the owner answers through the gateway, with the caller identity and request id', async () => {
    const host: DemoHost = { items: new Map([['7', 'seven']]), seenRequestIds: [] };
    const { gateway } = await topology(host);
    const answer = await gateway.inject({
      method: 'GET',
      url: '/api/v1/demo/7',
      headers: { authorization: 'Bearer ok', 'x-request-id': 'trace-42' },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ item: 'seven' });
    expect(host.seenRequestIds).toEqual(['trace-42']);
    const denied = await gateway.inject({ method: 'GET', url: '/api/v1/demo/7' });
    expect(denied.statusCode).toBe(401);
    expect(denied.json()).toEqual({ error: { code: 'AUTH_REQUIRED' } });
    const created = await gateway.inject({ method: 'POST', url: '/api/v1/demo', payload: { a: [1, 2] } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ echo: { a: [1, 2] } });
  });

  it('forwarding - a coded 503 naming the owning role when no process of it answers', async () => {
    const rpc = createInProcessRequestReply();
    const gateway = await appWith(forwardingRoutes(demoModule, { rpc, owner: 'platform' }));
    const answer = await gateway.inject({ method: 'GET', url: '/api/v1/demo/7' });
    expect(answer.statusCode).toBe(503);
    expect(answer.json().error.code).toBe('EVLOG_RPC_NO_RESPONDER');
    expect(answer.json().error.message).toContain('platform');
  });

  it('forwarding - a body over the cap is refused at the gateway with its code', async () => {
    const host: DemoHost = { items: new Map(), seenRequestIds: [] };
    const { gateway } = await topology(host);
    const answer = await gateway.inject({
      method: 'POST',
      url: '/api/v1/demo',
      payload: { blob: 'x'.repeat(FORWARD_MAX_BODY_BYTES + 1) },
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.json().error.code).toBe('RT_FORWARD_TOO_LARGE');
  });

  it('forwarding - an answer over the cap is refused by the owner, not cut', async () => {
    const host: DemoHost = {
      items: new Map([['big', 'y'.repeat(FORWARD_MAX_BODY_BYTES)]]),
      seenRequestIds: [],
    };
    const { gateway } = await topology(host);
    const answer = await gateway.inject({
      method: 'GET',
      url: '/api/v1/demo/big',
      headers: { authorization: 'Bearer ok' },
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.json().error.code).toBe('RT_FORWARD_TOO_LARGE');
  });

  it('forwarding - the owner tells forwarded requests (limited at the gateway) from a client faking the mark', async () => {
    const host: DemoHost = { items: new Map(), seenRequestIds: [] };
    const { owner, gateway } = await topology(host);
    const viaGateway = await gateway.inject({ method: 'GET', url: '/api/v1/demo/1/forwarded' });
    expect(viaGateway.json()).toEqual({ forwarded: true });
    const faked = await owner.inject({
      method: 'GET',
      url: '/api/v1/demo/1/forwarded',
      headers: { 'x-tickline-forwarded': 'guess' },
    });
    expect(faked.json()).toEqual({ forwarded: false });
  });
});
