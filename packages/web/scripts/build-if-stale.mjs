#!/usr/bin/env node
// @ts-check
/**
 * @module Builds the dashboard (`vite build`) when `dist/` is missing or older than its sources —
 * the web app, the client SDK and the protocol it bundles, and the build config. Run by `npm start` and `npm test`
 * (scripts/bootstrap.mjs) and by the browser tests, so a fresh clone needs no extra step.
 *
 * Plain JavaScript on Node's standard library: bootstrap may run it before Node 24 is on PATH.
 * The build itself runs on the repository's Node 24 when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(webDir, '..', '..');
const SOURCES = [
  join(webDir, 'src'),
  join(webDir, 'index.html'),
  join(webDir, 'vite.config.ts'),
  join(webDir, 'package.json'),
  join(root, 'packages', 'client', 'src'),
  // The SDK's wire readers (a rules room's RoomView among them) are the protocol's, bundled too.
  join(root, 'packages', 'protocol', 'src'),
];
const BUILT = join(webDir, 'dist', 'index.html');

/** Newest modification time under `path` (0 when absent). */
function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

/** True when there is no build or a source changed after it. */
export function webBuildStale() {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  return SOURCES.some((source) => newestMtimeMs(source) > built);
}

/**
 * Builds when stale; returns whether it built. Throws when the build fails.
 * @param {{ force?: boolean, quiet?: boolean }} [options]
 */
export function buildWebIfStale(options = {}) {
  if (!options.force && !webBuildStale()) return false;
  const localNode = join(root, 'node_modules', '.bin', 'node');
  const node = existsSync(localNode) ? localNode : process.execPath;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!options.quiet) console.log('web: building the dashboard (vite build)…');
  const result = spawnSync(node, [vite, 'build', '--logLevel', options.quiet ? 'error' : 'warn'], {
    cwd: webDir,
    stdio: 'inherit',
    // Always the production build: run from a test (vitest sets NODE_ENV=test), vite bundled
    // React's development build, whose StrictMode runs every effect twice — every request doubled.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildWebIfStale({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(`web: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
