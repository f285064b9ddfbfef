import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../http/app.ts';
import { webBuildStaleBeside } from './web-assets.ts';
import { registerWebApp } from './web-plugin.ts';
import { PUBLIC_ROUTE } from '../http/route-scopes.ts';

/** The dashboard's build script, which `npm start` runs and the stale check asks. */
const BUILD_SCRIPT = fileURLToPath(new URL('../../../web/scripts/build-if-stale.mjs', import.meta.url));

const INDEX =
  '<!doctype html><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>';
const dist = mkdtempSync(join(tmpdir(), 'tickline-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), INDEX);
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dist, 'robots.txt'), 'User-agent: *');
writeFileSync(join(dist, 'sw.js'), "self.addEventListener('push', () => {});");
writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"Tickline"}');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(distDir: string): Promise<FastifyInstance> {
  app = createHttpApp({
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    health: () => ({}),
  });
  app.get('/api/v1/thing', PUBLIC_ROUTE, async () => ({ ok: true }));
  await registerWebApp(app, { distDir });
  await app.ready();
  return app;
}

describe('web app plugin', () => {
  it('web - serves index.html at / with revalidation, and hashed assets as immutable', async () => {
    const web = await build(dist);
    const index = await web.inject({ url: '/', headers: HTML });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toBe(INDEX);

    const asset = await web.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe('console.log(1)');

    const other = await web.inject({ url: '/robots.txt' });
    expect(other.headers['cache-control']).toBe('no-cache');
  });

  it('web - the PWA: the service worker is never cached and may control /; the manifest has its own type', async () => {
    const web = await build(dist);
    const worker = await web.inject({ url: '/sw.js' });
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(worker.headers['cache-control']).toBe('no-store, max-age=0');
    expect(worker.headers['service-worker-allowed']).toBe('/');
    const manifest = await web.inject({ url: '/manifest.webmanifest' });
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
    expect(manifest.json()).toEqual({ name: 'Tickline' });
    expect((await web.inject({ url: '/robots.txt' })).headers['service-worker-allowed']).toBeUndefined();
  });

  it('web - a matching ETag is answered 304 without a body', async () => {
    const web = await build(dist);
    const first = await web.inject({ url: '/', headers: HTML });
    const again = await web.inject({
      url: '/',
      headers: { ...HTML, 'if-none-match': first.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('web - page paths fall back to index.html; API paths, files and non-HTML requests keep the JSON 404', async () => {
    const web = await build(dist);
    const deep = await web.inject({ url: '/markets/BTC-USD?interval=1m', headers: HTML });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toBe(INDEX);

    for (const [url, headers] of [
      ['/api/v1/nope', HTML],
      ['/assets/missing.js', HTML],
      ['/nope', { accept: 'application/json' }],
    ] as const) {
      const missing = await web.inject({ url, headers });
      expect(missing.statusCode, url).toBe(404);
      expect(missing.json(), url).toMatchObject({ error: { code: 'HTTP_NOT_FOUND' } });
    }
    expect((await web.inject({ url: '/api/v1/thing' })).json()).toEqual({ ok: true });
    expect((await web.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('web - without a build, pages say how to build it and the API still answers', async () => {
    const web = await build(join(dist, 'absent'));
    const page = await web.inject({ url: '/', headers: HTML });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run web:build');
    expect((await web.inject({ url: '/api/v1/thing' })).statusCode).toBe(200);
  });

  it('web - a build older than the sources beside it is called stale by the build script; an image without it is not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tickline-web-stale-'));
    try {
      // The sources, older than the build (a directory's own time counts: a file added or removed).
      const pages = join(root, 'web', 'src', 'pages');
      mkdirSync(pages, { recursive: true });
      const page = join(pages, 'page.tsx');
      writeFileSync(page, 'export {};');
      for (const path of [page, pages, join(root, 'web', 'src')]) utimesSync(path, new Date(0), new Date(0));
      const built = join(root, 'web', 'dist');
      mkdirSync(built, { recursive: true });
      writeFileSync(join(built, 'index.html'), '<!doctype html>');
      // An image: no build script beside the build.
      expect(await webBuildStaleBeside(built)).toBe(false);
      // A checkout: the dashboard's build script beside it, the build newer than its sources.
      mkdirSync(join(root, 'web', 'scripts'));
      copyFileSync(BUILD_SCRIPT, join(root, 'web', 'scripts', 'build-if-stale.mjs'));
      expect(await webBuildStaleBeside(built)).toBe(false);
      // Edited after the build (or pulled).
      utimesSync(page, new Date(), new Date(Date.now() + 60_000));
      expect(await webBuildStaleBeside(built)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
