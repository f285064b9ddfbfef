/**
 * @module A test file's mocked sources: {@link startMockedSource}, with the source started last
 * stopped (then its mock) after each test, so a failing test never leaves a socket or timer behind.
 * Imports vitest: for test files only (not exported from the testing index).
 */
import { afterEach } from 'vitest';
import type { MockVenueServer } from './mock-venue.ts';
import { startMockedSource, type MockedSource } from './harness.ts';

/** Starts sources for a test file and stops the last one after each test. */
export interface MockedSourceFixture {
  /** {@link startMockedSource}; the started source is what the next `afterEach` stops. */
  start<M extends MockVenueServer>(
    ...args: Parameters<typeof startMockedSource<M>>
  ): Promise<MockedSource<M>>;
  /** Replaces what runs after this test (`null`: the test stops what it started itself). */
  afterTest(stop: (() => Promise<void>) | null): void;
}

/** Call at a test file's top level: it registers the file's `afterEach`. */
export function mockedSourceFixture(): MockedSourceFixture {
  let running: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await running?.();
    running = null;
  });
  return {
    async start(...args) {
      const started = await startMockedSource(...args);
      running = () => started.stop();
      return started;
    },
    afterTest(stop) {
      running = stop;
    },
  };
}
