import { defineConfig } from 'vitest/config';

// The deployment files' validation (deploy/test): `npm run test:deploy`, part of `npm test`.
// *.int.test.ts start promtool, kubectl and the tickline CLI; under CI=true a missing one fails.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['deploy/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
