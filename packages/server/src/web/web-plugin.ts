/**
 * @module The dashboard on the API's own port: the built files of `packages/web`, with a
 * single-page-app fallback (any page path a browser asks for gets index.html, so deep links and
 * reloads work) and cache headers that fit Vite's output — hashed `/assets/*` files are immutable
 * for a year, everything else is revalidated by ETag. API paths and non-HTML requests keep the
 * JSON 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_WEB_DIST_DIR, loadWebAssets, type WebAsset, webBuildStaleBeside } from './web-assets.ts';
import { PUBLIC_ROUTE } from '../http/route-scopes.ts';

/** Vite puts content-hashed files here: safe to cache forever. */
const HASHED_PREFIX = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/**
 * The service worker: never from a cache, so a fixed worker reaches every browser at its next
 * update check, and allowed to control the whole origin (its scope is `/`).
 */
const SERVICE_WORKER_PATH = '/sw.js';
const SERVICE_WORKER_CACHE = 'no-store, max-age=0';
/** Paths that belong to the server, never to the single-page app. */
const SERVER_PREFIXES = ['/api/', '/game/'];

/** Options for {@link registerWebApp}. */
export interface WebAppOptions {
  /** The built dashboard. @default DEFAULT_WEB_DIST_DIR (packages/web/dist) */
  distDir?: string;
}

/**
 * Serves the dashboard from `distDir` at `/`. Without a build, `/` answers a short page saying how
 * to make one (`npm run web:build`), and the API works as before.
 * @example await registerWebApp(app);
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_WEB_DIST_DIR;
  const assets = loadWebAssets(distDir);
  if (!assets.index)
    app.log.warn({ distDir }, 'dashboard not built: run `npm run web:build` to serve it at /');
  else if (await webBuildStaleBeside(distDir))
    app.log.warn(
      { distDir },
      'dashboard build is older than its sources: run `npm run web:build` (npm start does) to serve the current one',
    );

  // Public pages, hidden from the OpenAPI document: pages, not API.
  const pages = { ...PUBLIC_ROUTE, schema: { hide: true } };
  app.get('/*', pages, async function webApp(request, reply) {
    const path = pathOf(request.url);
    const file = assets.files.get(path);
    if (path === SERVICE_WORKER_PATH && file) {
      void reply.header('service-worker-allowed', '/');
      return send(request, reply, file, SERVICE_WORKER_CACHE);
    }
    if (file) return send(request, reply, file, path.startsWith(HASHED_PREFIX) ? IMMUTABLE : REVALIDATE);
    if (!isPageRequest(request, path)) return reply.callNotFound();
    if (!assets.index)
      return reply
        .status(503)
        .header('cache-control', REVALIDATE)
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT_PAGE);
    return send(request, reply, assets.index, REVALIDATE);
  });
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  file: WebAsset,
  cacheControl: string,
): FastifyReply {
  void reply.header('cache-control', cacheControl).header('etag', file.etag);
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  return reply.type(file.contentType).send(file.body);
}

/** A browser navigating to a page: not a server path, no file extension, and it accepts HTML. */
function isPageRequest(request: FastifyRequest, path: string): boolean {
  if (SERVER_PREFIXES.some((prefix) => path.startsWith(prefix))) return false;
  if (/\.[a-z0-9]+$/i.test(path.slice(path.lastIndexOf('/')))) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

function pathOf(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '/';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Tickline</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The dashboard is not built</h1>
<p>The API is up. Build the dashboard once with <code>npm run web:build</code> and reload; <code>npm start</code> does it for you.</p>
</body></html>`;
