import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { PrincipalPolicy } from './principal-policy.ts';

interface User {
  id: string;
  sv: number;
}

const policyOf = (options: ConstructorParameters<typeof PrincipalPolicy<User>>[0]) =>
  new PrincipalPolicy<User>(options, createMetricsRegistry({ processMetrics: false }), silentLogger);

describe('principal policy - the open-connection re-check', () => {
  it('one check per principal key - 5,000 streams of one session are asked about once', async () => {
    const asked: string[] = [];
    const policy = policyOf({
      isCurrent: (user) => (asked.push(user.id), user.sv >= 2),
      principalKey: (user) => `${user.id}:${user.sv}`,
    });
    const principals = [
      ...Array.from({ length: 5_000 }, () => ({ id: 'ada', sv: 2 })),
      { id: 'ada', sv: 1 },
      { id: 'bob', sv: 3 },
    ];
    const verdicts = await policy.currentAll(principals);
    expect(asked.sort()).toEqual(['ada', 'ada', 'bob']);
    expect(verdicts.slice(0, 5_000).every(Boolean)).toBe(true);
    expect(verdicts.slice(5_000)).toEqual([false, true]);
  });

  it('without a key - each principal object is asked about once', async () => {
    let asked = 0;
    const policy = policyOf({ isCurrent: () => (asked++, true) });
    const ada = { id: 'ada', sv: 1 };
    expect(await policy.currentAll([ada, ada, { id: 'ada', sv: 1 }])).toEqual([true, true, true]);
    expect(asked).toBe(2);
  });

  it('a failing check - the streams stay open (an unreachable store must not close them all)', async () => {
    const policy = policyOf({
      isCurrent: (user) => (user.id === 'ada' ? Promise.reject(new Error('store down')) : false),
    });
    expect(await policy.currentAll([{ id: 'ada', sv: 1 }, { id: 'bob', sv: 1 }])).toEqual([true, false]);
  });
});
