import { defineConfig } from 'vitest/config';

// Test kinds by suffix (STYLE §8): *.test.ts has no I/O beyond temp files, *.int.test.ts talks to a
// real dependency (nats-server, PostgreSQL, a child process), *.e2e.test.ts drives the whole app.
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
          // Some unit files open an in-memory PGlite in beforeAll (a WebAssembly PostgreSQL): on a
          // busy two-core machine that took over Vitest's 10 s default.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['packages/*/src/**/*.int.test.ts', 'packages/*/test/**/*.int.test.ts'],
          // One PostgreSQL server per run (or TICKLINE_TEST_DATABASE_URL); files inject its URL.
          globalSetup: ['packages/testing/src/postgres/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Integration suites start real servers; on two cores, run files one at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The deployment files (deploy/): promtool, kubectl kustomize + schemas, the compose
          // spec, the Dockerfile against CI's steps; under CI=true a missing binary fails.
          name: 'deploy',
          include: ['deploy/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['packages/*/src/**/*.e2e.test.ts', 'packages/*/test/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
