import { globSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Node flags of every test worker. isolated-vm (the strategy sandbox) requires
 * `--no-node-snapshot` on Node 20 and later: isolates built from a snapshot other than Node's
 * share V8's read-only heap with it and can abort the process (isolated-vm README; its issue #420).
 * `--no-concurrent-sparkplug`: a background baseline compile can deadlock process.exit (nodejs/node
 * issue 54918; bin/node-as-server says more).
 */
const NODE_FLAGS = ['--no-node-snapshot', '--no-concurrent-sparkplug'];

/**
 * Hooks of integration, deploy and end-to-end files start whole servers (a first start of an
 * embedded data directory runs PGlite's initdb). On a CI machine at load 10–20 one such beforeAll
 * took over 60 s, so these hooks get three minutes; a hook that hangs still fails.
 */
const SERVER_HOOK_TIMEOUT_MS = 180_000;

// Test kinds by suffix (STYLE §8): *.test.ts has no I/O beyond temp files, *.int.test.ts talks to a
// real dependency (nats-server, PostgreSQL, a child process), *.e2e.test.ts drives the whole app.
/**
 * graphql-js ships CommonJS (`main`) and ESM (`module`) builds and no `exports` map. Node resolves
 * both `import` and Mercurius's `require` to the CommonJS one; Vite's resolver prefers `module`,
 * and two instances refuse each other's schemas ("Cannot use GraphQLSchema from another module or
 * realm"). Tests load the one Node loads.
 */
const GRAPHQL_AS_NODE_LOADS_IT = fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url));

/**
 * One PostgreSQL server per run (or TICKLINE_TEST_DATABASE_URL): integration files inject its URL,
 * scaled clusters of end-to-end files find it in their environment; each file makes its own database.
 */
const POSTGRES_GLOBAL_SETUP = 'packages/testing/src/postgres/global-setup.ts';

/**
 * Node processes the tests start (sandbox processes forked by servers in a test, scripts) keep
 * their type-stripped and compiled modules in Node's module compile cache, as `tickline` does
 * (packages/server/src/bin.ts): the sandbox pool's file took 24.5 s of CPU without it and 17.6 s
 * with it on this machine. Vitest's own workers transform through Vite and gain little. The
 * workers inherit this variable, and their children from them.
 */
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'node-compile-cache');

const E2E_FILES = ['packages/*/src/**/*.e2e.test.ts', 'packages/*/test/**/*.e2e.test.ts'];

/**
 * End-to-end files that assert the server's event-loop delay, a tick rate or a failover deadline,
 * or kill processes between candles: they run one at a time, with nothing else of the suite beside.
 */
const E2E_SOLO_FILES = [
  'packages/server/src/strategy/sandbox-attacks.e2e.test.ts',
  'packages/server/src/game/outage.e2e.test.ts',
  'packages/server/src/game/zone-failover.e2e.test.ts',
  'packages/server/src/game/zone-handoff.e2e.test.ts',
  'packages/server/src/game/zone-stall.e2e.test.ts',
  'packages/server/src/notify/notify-stall.e2e.test.ts',
  'packages/server/src/live/kill-switch-shared.e2e.test.ts',
  'packages/server/src/live/live-restart.e2e.test.ts',
  'packages/server/src/process/bluegreen.e2e.test.ts',
];

const UNIT_FILES = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'scripts/**/*.test.ts',
  'bench/**/*.test.ts',
];
const UNIT_EXCLUDE = ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'];

/** Unit files that mock a module (`vi.mock`, `vi.doMock`): found by reading them, so none is missed. */
const MOCKING_UNIT_FILES = globSync(UNIT_FILES, { exclude: UNIT_EXCLUDE }).filter((file) =>
  /\bvi\.(do)?[mM]ock\(/.test(readFileSync(file, 'utf8')),
);

const UNIT_OPTIONS = {
  execArgv: NODE_FLAGS,
  // Some unit files open an in-memory PGlite in beforeAll (a WebAssembly PostgreSQL): on a
  // busy two-core machine that took over Vitest's 10 s default.
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // Vitest's default is one worker fewer than the cores: on a two-core CI machine that is
  // one, and every unit file ran after the other. Unit files do no I/O beyond temp files,
  // so two at a time is safe; the server suites below stay one at a time.
  maxWorkers: 2,
  // Sandbox children at the test's own priority (packages/sandbox/src/pool/fork-child.ts):
  // the supervisor is under test here, and a niced child starves beside a busy machine.
  env: { TICKLINE_SANDBOX_NICE: '0' },
};

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: GRAPHQL_AS_NODE_LOADS_IT }] },
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          ...UNIT_OPTIONS,
          include: UNIT_FILES,
          exclude: [...UNIT_EXCLUDE, ...MOCKING_UNIT_FILES],
          // One module graph per worker, not one per file: importing each file's graph again was
          // over half of the project's time (76 files of game, kernel and protocol: 44 s isolated,
          // 14 s not). A file must then leave no timer, handle or environment variable behind.
          isolate: false,
        },
      },
      {
        test: {
          // Files that replace a module (vi.mock): a graph another file loaded first would not
          // see the mock, so each of these gets its own.
          name: 'unit-mocks',
          ...UNIT_OPTIONS,
          include: MOCKING_UNIT_FILES.length > 0 ? MOCKING_UNIT_FILES : ['no-file-mocks-a-module'],
        },
      },
      {
        test: {
          name: 'int',
          execArgv: NODE_FLAGS,
          include: ['packages/*/src/**/*.int.test.ts', 'packages/*/test/**/*.int.test.ts'],
          globalSetup: [POSTGRES_GLOBAL_SETUP],
          testTimeout: 120_000,
          hookTimeout: SERVER_HOOK_TIMEOUT_MS,
          // Two at a time, in the unit files' group (a group runs its projects' files together, at
          // one `maxWorkers`). Each file starts its own servers on free ports and makes its own
          // database, so a file beside it is only a neighbour on the CPU. One at a time, these 128
          // files ran alone after everything else: ~600 s of a quiet run's ~1,750 s.
          maxWorkers: 2,
          // Sandbox children at the test's own priority, as for the unit files: beside stress-ng a
          // child at niceness 10 got ~5 % of a core, and the pool's attack table took 253 s, not 27.
          env: { TICKLINE_SANDBOX_NICE: '0' },
        },
      },
      {
        test: {
          // The deployment files (deploy/): promtool, kubectl kustomize + schemas, the compose
          // spec, the Dockerfile against CI's steps; under CI=true a missing binary fails.
          name: 'deploy',
          execArgv: NODE_FLAGS,
          include: ['deploy/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: SERVER_HOOK_TIMEOUT_MS,
          fileParallelism: false,
        },
      },
      {
        test: {
          // End-to-end files wait on servers, candles and browsers far more than they compute: two
          // at a time halves the wall time of the project (32 minutes one at a time in CI). Their own group, after the
          // unit files (a group runs when the one before it finished).
          name: 'e2e',
          execArgv: NODE_FLAGS,
          include: E2E_FILES,
          exclude: [...E2E_SOLO_FILES, '**/node_modules/**'],
          globalSetup: [POSTGRES_GLOBAL_SETUP],
          testTimeout: 120_000,
          hookTimeout: SERVER_HOOK_TIMEOUT_MS,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // Files that measure the server's own latency or kill processes on a schedule: a second
          // file's servers beside them would be measured too, so they run alone, after the others.
          name: 'e2e-solo',
          execArgv: NODE_FLAGS,
          include: E2E_SOLO_FILES,
          globalSetup: [POSTGRES_GLOBAL_SETUP],
          testTimeout: 120_000,
          hookTimeout: SERVER_HOOK_TIMEOUT_MS,
          fileParallelism: false,
        },
      },
    ],
  },
});
