import { describe, expect, it } from 'vitest';
import { describeEvent, formatMoney } from './describe-event.ts';

describe('notification text', () => {
  it('notifications - the welcome snapshot reads as money, tier included', () => {
    const text = describeEvent({
      id: '1',
      type: 'account.snapshot.generated',
      channel: 'user:1',
      data: { cash: '10000.00', currency: 'USD', tier: 'free', positions: [] },
    });
    expect(text).toEqual({
      title: 'Your paper portfolio is ready',
      body: expect.stringMatching(/10,000\.00 starting cash \(free tier\)\.$/),
    });
  });

  it('notifications - unknown types show their name and a short summary of the data', () => {
    const long = { note: 'x'.repeat(300) };
    const text = describeEvent({ id: '2', type: 'thing.happened', channel: 'user:1', data: long });
    expect(text.title).toBe('thing.happened');
    expect(text.body.length).toBe(140);
    expect(text.body.endsWith('…')).toBe(true);
  });

  it('notifications - money falls back to the raw amount when it is not a number', () => {
    expect(formatMoney('abc', 'USD')).toBe('abc');
    expect(formatMoney(undefined, 'USD')).toBe('—');
  });
});
