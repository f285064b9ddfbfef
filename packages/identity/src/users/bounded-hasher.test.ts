import { Registry } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, createTestIdentity, GOOD_PASSWORD } from '../testing/identity-test-kit.ts';
import { createTestHttpApp } from '../testing/test-http-app.ts';
import type { PasswordHasher } from './password-hasher.ts';

/** A hasher whose calls wait until released: what a saturated thread pool looks like. */
function gatedHasher(): PasswordHasher & { started: number; release(): void } {
  const gates: Array<() => void> = [];
  let open = false;
  const gate = () => (open ? Promise.resolve() : new Promise<void>((resolve) => gates.push(resolve)));
  const hasher = {
    started: 0,
    async hash(password: string) {
      hasher.started++;
      await gate();
      return `plain$${password}`;
    },
    async verify(hash: string, password: string) {
      hasher.started++;
      await gate();
      return hash === `plain$${password}`;
    },
    release() {
      open = true;
      for (const g of gates.splice(0)) g();
    },
  };
  return hasher;
}

describe('password hashing - bounded', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  it('sign-up - past maxConcurrent running and maxQueued waiting, sign-ups are shed with IDENTITY_BUSY before hashing', async () => {
    const hasher = gatedHasher();
    const metrics = new Registry();
    const kit = createTestIdentity({ passwordHasher: hasher, passwordHashing: { maxConcurrent: 2, maxQueued: 3 }, metrics });
    const accepted = Array.from({ length: 5 }, (_, i) =>
      kit.service.signUp({ email: `queued${i}@example.com`, password: GOOD_PASSWORD }),
    );
    const shed = await codeOf(kit.service.signUp({ email: 'shed@example.com', password: GOOD_PASSWORD }));
    expect(shed).toBe('IDENTITY_BUSY');
    expect(hasher.started).toBe(2); // two run, three wait, the sixth never reached the hasher
    hasher.release();
    expect((await Promise.all(accepted)).map((r) => r.user.email)).toHaveLength(5);
    expect(await metrics.metrics()).toContain('tickline_identity_password_hashes_shed_total 1');
    // Capacity is back once the queue drains.
    await kit.service.signUp({ email: 'later@example.com', password: GOOD_PASSWORD });
  });

  it('routes - a shed sign-up answers 503 with Retry-After', async () => {
    const hasher = gatedHasher();
    const kit = createTestIdentity({ passwordHasher: hasher, passwordHashing: { maxConcurrent: 1, maxQueued: 0 } });
    app = await createTestHttpApp(kit.service);
    const first = app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      payload: { email: 'first@example.com', password: GOOD_PASSWORD },
    });
    while (hasher.started === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      payload: { email: 'second@example.com', password: GOOD_PASSWORD },
    });
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(second.json()).toMatchObject({ error: { code: 'IDENTITY_BUSY', details: { retryAfterSeconds: 1 } } });
    hasher.release();
    expect((await first).statusCode).toBe(201);
  });
});
