/**
 * @module The built dashboard (`packages/web/dist`) read into memory once: a few hundred KB of
 * immutable files, so serving them is a map lookup, and no request path ever reaches the file
 * system (nothing to traverse).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where `npm run web:build` writes the dashboard, relative to this file in the monorepo. */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // The W3C manifest's own type (browsers also accept JSON; validators want this one).
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** One file of the build. */
export interface WebAsset {
  body: Buffer;
  contentType: string;
  /** Strong validator: a digest of the content. */
  etag: string;
}

/** The build: files by URL path (`/index.html`, `/assets/index-3f2a.js`). */
export interface WebAssets {
  files: ReadonlyMap<string, WebAsset>;
  /** The SPA entry; undefined when the dashboard was not built. */
  index: WebAsset | undefined;
}

/** Reads every file under `distDir`; an absent directory gives an empty build. */
export function loadWebAssets(distDir: string): WebAssets {
  const files = new Map<string, WebAsset>();
  if (existsSync(distDir)) {
    for (const path of walk(distDir)) {
      const body = readFileSync(path);
      const urlPath = `/${relative(distDir, path).split(sep).join('/')}`;
      files.set(urlPath, {
        body,
        contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      });
    }
  }
  return { files, index: files.get('/index.html') };
}

/**
 * Whether the build in `distDir` is older than the sources beside it, asked of the dashboard's own
 * build script (`packages/web/scripts/build-if-stale.mjs`, what `npm start` runs) when it sits beside
 * the build — a checkout, where `bin/tickline start` serves a stale build as it is. An image holds
 * the build alone: false.
 */
export async function webBuildStaleBeside(distDir: string): Promise<boolean> {
  const script = join(distDir, '..', 'scripts', 'build-if-stale.mjs');
  if (!existsSync(script)) return false;
  const { webBuildStale } = (await import(pathToFileURL(script).href)) as { webBuildStale: () => boolean };
  return webBuildStale();
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}
