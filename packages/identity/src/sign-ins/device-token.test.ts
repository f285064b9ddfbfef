import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createDeviceTokens, DEVICE_TOKEN_TTL_MS } from './device-token.ts';

describe('device tokens', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27));
  const tokens = createDeviceTokens(new Uint8Array(32).fill(7), clock);

  it('a token names its device for its account only, until it expires', () => {
    const token = tokens.issue('user-1');
    const device = tokens.verify(token, 'user-1');
    expect(device).toEqual(expect.any(String));
    expect(tokens.verify(tokens.issue('user-1', device), 'user-1')).toBe(device);
    expect(tokens.verify(token, 'user-2')).toBeUndefined();
    clock.advance(DEVICE_TOKEN_TTL_MS);
    expect(tokens.verify(token, 'user-1')).toBeUndefined();
  });

  it('a forged, altered or foreign token is nobody’s', () => {
    const token = tokens.issue('user-1');
    const [id, expires, mac] = token.split('.') as [string, string, string];
    const other = createDeviceTokens(new Uint8Array(32).fill(8), clock).issue('user-1');
    for (const bad of [
      undefined,
      '',
      'x',
      `${id}.${expires}`,
      `${id}x.${expires}.${mac}`,
      `${id}.zzzzzzzz.${mac}`,
      `${token}.x`,
      other,
    ])
      expect(tokens.verify(bad, 'user-1')).toBeUndefined();
  });
});
