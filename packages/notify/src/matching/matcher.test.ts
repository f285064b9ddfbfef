import type { EventEnvelope } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { isMatcherType, runsOf } from './matcher.ts';

const event = (type: string, id: string) => ({ type, id }) as EventEnvelope;

describe('matcher', () => {
  it('matcher - identity’s account facts are read: created, tier changed, email verified', () => {
    for (const type of ['account.created', 'account.tier.changed', 'account.email.verified'])
      expect(isMatcherType(type), type).toBe(true);
    expect(isMatcherType('account.something.else')).toBe(false);
  });

  it('matcher - account facts commit in their own run before the events after them publish', () => {
    const batch = [
      event('backtest.completed', '1'),
      event('account.tier.changed', '2'),
      event('account.email.verified', '3'),
      event('admin.notice.sent', '4'),
      event('backtest.completed', '5'),
    ];
    expect(runsOf(batch).map((run) => run.map((e) => e.id))).toEqual([['1'], ['2', '3'], ['4', '5']]);
    expect(runsOf([event('backtest.completed', '1'), event('backtest.completed', '2')])).toHaveLength(1);
    expect(runsOf([])).toEqual([]);
  });
});
