/**
 * The whole route table of the `all` role (issue 29, Medium 3), in-process on the embedded default:
 * every route declares its scope (or `public`) and every operation of the API document documents
 * its responses; a made-up route with neither fails the same check. The served OpenAPI document
 * names each scoped operation's credentials and scope — none of the trading routes shows as
 * public — and documents a JSON object for each trading answer; a client generated from the
 * served document (openapi-typescript) has a type for every one, checked by the TypeScript compiler.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { isRouteScope, RouteAccess } from '@tickline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import { untypedAnswers } from '../testing/openapi-client.ts';
import { routeTableProblems, type RouteEntry } from './route-scopes.ts';

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses?: Record<
    string,
    { content?: Record<string, { schema?: { type?: string; properties?: object } }> }
  >;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

/** The trading operations of the document: portfolios, orders, the kill switch, live runs. */
const tradingOperations = (doc: OpenApiDocument) =>
  Object.entries(doc.paths)
    .filter(([path]) => /^\/api\/v1\/(portfolios|live-strategies)/.test(path))
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

/** `/api/v1/x/:id` as the document writes it: `/api/v1/x/{id}`. */
const documentPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('route table - every route declares its scope and documents its responses', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-route-table-'));
  let running: RunningProcess;
  let routes: RouteEntry[];
  let doc: OpenApiDocument;

  beforeAll(async () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_DATA_DIR: dataDir,
        TICKLINE_HTTP_PORT: '0',
        TICKLINE_HTTP_HOST: '127.0.0.1',
        TICKLINE_LOG_LEVEL: 'silent',
      },
    });
    await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
    running = await bootstrap(config, {
      logger: silentLogger,
      metrics: createMetricsRegistry(),
      handleSignals: false,
    });
    routes = running.routes();
    const res = await fetch(`${running.url!.replace('localhost', '127.0.0.1')}/api/openapi.json`);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('route table - the all role has no route without a scope or an undocumented operation', () => {
    expect(routes.length).toBeGreaterThan(200);
    expect(routeTableProblems(routes)).toEqual([]);
  });

  it('route table - a made-up route without a scope or a response schema fails the check', () => {
    const madeUp: RouteEntry = {
      method: 'POST',
      url: '/api/v1/made-up',
      scope: undefined,
      documentsResponses: false,
      hidden: false,
    };
    expect(routeTableProblems([...routes, madeUp])).toEqual([
      'POST /api/v1/made-up declares no scope',
      'POST /api/v1/made-up documents no response',
    ]);
  });

  it('route table - each scoped operation names its credentials and scope; public ones none', () => {
    const documented = routes.filter((r) => !r.hidden && r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
    expect(documented.length).toBeGreaterThan(100);
    for (const route of documented) {
      const name = `${route.method} ${route.url}`;
      const operation = doc.paths[documentPath(route.url)]?.[route.method.toLowerCase()];
      expect(operation, name).toBeDefined();
      expect(isRouteScope(route.scope), name).toBe(true);
      if (route.scope === RouteAccess.Public) expect([name, operation!.security]).toEqual([name, undefined]);
      else {
        // Bearer token or API key (the streams: a ticket or the session cookie), each with the scope.
        const scopes = route.scope === RouteAccess.Authenticated ? [] : [route.scope];
        expect([name, operation!.security?.length]).toEqual([name, 2]);
        for (const requirement of operation!.security!)
          expect([name, Object.values(requirement)[0]]).toEqual([name, scopes]);
      }
    }
  });

  it('route table - a client generated from the served document has a type for every trading answer', async () => {
    const answers = tradingOperations(doc).flatMap(({ path, method, op }) =>
      Object.keys(op.responses ?? {})
        .filter((status) => status.startsWith('2') && status !== '204')
        .map((status) => ({ path, method, status })),
    );
    expect(answers.length).toBeGreaterThanOrEqual(18);
    expect(await untypedAnswers(doc, answers)).toEqual([]);
    // The check can fail: the same document with one trading answer left undocumented.
    const [first] = answers;
    const broken = structuredClone(doc);
    delete broken.paths[first!.path]![first!.method]!.responses![first!.status]!.content;
    const complaints = await untypedAnswers(broken, answers);
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toContain(`${first!.method.toUpperCase()} ${first!.path} ${first!.status}`);
  }, 120_000);

  it('route table - every trading operation is scoped and answers a documented JSON object', () => {
    const trading = tradingOperations(doc).map(({ path, method, op }) => ({ name: `${method} ${path}`, op }));
    expect(trading.length).toBeGreaterThanOrEqual(18);
    for (const { name, op } of trading) {
      expect([name, op.security?.length]).toEqual([name, 2]);
      const answers = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith('2'));
      expect(answers.length, name).toBeGreaterThan(0);
      for (const [status, answer] of answers) {
        if (status === '204') continue;
        const schema = answer.content?.['application/json']?.schema;
        expect([name, status, schema?.type]).toEqual([name, status, 'object']);
        expect(Object.keys(schema?.properties ?? {}).length, `${name} ${status}`).toBeGreaterThan(0);
      }
    }
  });
});
