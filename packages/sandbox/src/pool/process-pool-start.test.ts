import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessPool, type CallLimits } from './process-pool.ts';

const ENTRY = new URL('../testing/test-gated-child.ts', import.meta.url);
const LIMITS: CallLimits = { cpuMs: 500, memoryMb: 128, wallMs: 20_000 };
const dir = mkdtempSync(join(tmpdir(), 'pool-start-'));
const gate = join(dir, 'open');
// Children inherit the environment: the gate is closed until the test creates the file.
process.env.TICKLINE_TEST_START_GATE = gate;
afterAll(() => {
  // Unit files share their worker's process (vitest.config.ts): the next file's children must not see it.
  delete process.env.TICKLINE_TEST_START_GATE;
  rmSync(dir, { recursive: true, force: true });
});

describe('sandbox process pool whose processes cannot start', () => {
  it('pool - ready() is refused with a code once every process failed to start, and the pool recovers when one can', async () => {
    const pool = createProcessPool({ name: 'gated', entry: ENTRY, size: 2 });
    try {
      // Before: ready() waited for ever (every caller of it with it).
      await expect(pool.ready()).rejects.toMatchObject({
        code: 'SANDBOX_UNAVAILABLE',
        details: { reason: 'exited with code 3' },
      });
      expect(pool.stats()).toMatchObject({ ready: 0, startError: 'exited with code 3' });
      // Starts are retried with back-off; each retry fails as the first did.
      await expect(pool.ready()).rejects.toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
      const spawned = pool.stats().spawned;
      expect(spawned).toBeGreaterThanOrEqual(2);

      writeFileSync(gate, '');
      // A later start succeeds (after at most the back-off cap): the pool is ready again.
      await expect
        .poll(
          () =>
            pool.ready().then(
              () => true,
              () => false,
            ),
          { timeout: 60_000, interval: 200 },
        )
        .toBe(true);
      expect(pool.stats().startError).toBeUndefined();
      expect(await pool.call('echo', 7, { limits: LIMITS })).toBe(7);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
