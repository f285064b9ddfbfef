import { describe, expect, it } from 'vitest';
import { EnableGate } from './enable-gate.ts';

describe('enable gate', () => {
  it('admits a few enables or resumes an account a minute, then refuses with the wait; others go on', async () => {
    let now = 1_000_000;
    const gate = new EnableGate({ perMinute: 3 }, () => now);
    const ok = () => Promise.resolve('ok');
    for (let i = 0; i < 3; i++) {
      await expect(gate.run('ada', i === 1 ? 'resume' : 'enable', ok)).resolves.toBe('ok');
      now += 10_000;
    }
    await expect(gate.run('ada', 'enable', ok)).rejects.toMatchObject({
      code: 'STRATEGY_LIVE_ENABLE_RATE',
      details: { what: 'enable', limit: 3, retryAfterSeconds: 30 },
    });
    await expect(gate.run('bob', 'enable', ok)).resolves.toBe('ok');
    // The first admission leaves the window: one more is admitted.
    now += 30_000;
    await expect(gate.run('ada', 'enable', ok)).resolves.toBe('ok');
  });

  it('refuses a second while one of the account loads, and a refused one does not count', async () => {
    const gate = new EnableGate({ perMinute: 2 });
    let release!: () => void;
    const first = gate.run('ada', 'enable', () => new Promise<void>((r) => (release = r)));
    await expect(gate.run('ada', 'resume', () => Promise.resolve())).rejects.toMatchObject({
      code: 'STRATEGY_LIVE_ENABLE_BUSY',
      details: { what: 'resume', retryAfterSeconds: 1 },
    });
    release();
    await first;
    await expect(gate.run('ada', 'enable', () => Promise.resolve(2))).resolves.toBe(2);
  });

  it('frees the account when the enable fails', async () => {
    const gate = new EnableGate();
    await expect(gate.run('ada', 'enable', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(gate.run('ada', 'enable', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
