import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { ApiKeyScope } from '@tickline/protocol';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isRouteScopeMissingError } from '../errors.ts';
import { createHttpApp } from './app.ts';
import { PUBLIC_ROUTE, routeTableOf, routeTableProblems, type RouteEntry } from './route-scopes.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close().catch(() => {});
  app = undefined;
});

function build(): FastifyInstance {
  app = createHttpApp({
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    health: () => ({}),
    bodyLimitBytes: 1024,
  });
  return app;
}

const documented = { response: { 200: z.object({ ok: z.boolean() }) } };

describe('route scopes - every route declares who may call it', () => {
  it('route scopes - a route that declares no scope stops the app from becoming ready', async () => {
    const a = build();
    a.get('/api/v1/made-up', { schema: documented }, async () => ({ ok: true }));
    const error = await a.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRouteScopeMissingError(error)).toBe(true);
    expect(error).toMatchObject({ details: { routes: ['GET /api/v1/made-up', 'HEAD /api/v1/made-up'] } });
  });

  it('route scopes - a scope no credential can carry is no declaration', async () => {
    const a = build();
    a.get(
      '/api/v1/typo',
      { config: { scope: 'portfolio:raed' as ApiKeyScope }, schema: documented },
      async () => ({
        ok: true,
      }),
    );
    await expect(a.ready()).rejects.toMatchObject({ code: 'SERVER_ROUTE_SCOPE_MISSING' });
  });

  it('route scopes - declared routes start, and the table lists each with its scope', async () => {
    const a = build();
    a.get('/api/v1/thing', { config: { scope: ApiKeyScope.MarketRead }, schema: documented }, async () => ({
      ok: true,
    }));
    await a.ready();
    expect(routeTableOf(a)).toContainEqual({
      method: 'GET',
      url: '/api/v1/thing',
      scope: 'market:read',
      documentsResponses: true,
      hidden: false,
    });
    // The app's own routes (probes, metrics, the API document, its page) declare theirs too.
    expect(routeTableProblems(routeTableOf(a))).toEqual([]);
  });

  it('route scopes - the table check names a route without a scope and one without a documented response', () => {
    const made: RouteEntry = {
      method: 'POST',
      url: '/api/v1/made-up',
      scope: undefined,
      documentsResponses: false,
      hidden: false,
    };
    expect(routeTableProblems([made])).toEqual([
      'POST /api/v1/made-up declares no scope',
      'POST /api/v1/made-up documents no response',
    ]);
    // Hidden from the API document (pages, probes): a scope is still needed, responses are not.
    expect(routeTableProblems([{ ...made, ...PUBLIC_ROUTE.config, hidden: true }])).toEqual([]);
  });
});
