import { describe, expect, it } from 'vitest';
import { summariseDevice, UNKNOWN_DEVICE } from './device-summary.ts';

describe('device summary', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    ['curl/8.5.0', 'curl'],
    ['node', 'Node.js'],
    ['MyBot/2.1 (+https://bot.example)', 'MyBot'],
  ])('device - %s is %s', (ua, summary) => {
    expect(summariseDevice(ua)).toBe(summary);
  });

  it('device - versions do not matter: an updated browser is the same device', () => {
    expect(summariseDevice('Mozilla/5.0 (X11; Linux x86_64; rv:129.0) Gecko/20100101 Firefox/129.0')).toBe(
      summariseDevice('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'),
    );
  });

  it('device - no agent, control characters and long names are summarised safely', () => {
    expect(summariseDevice(undefined)).toBe(UNKNOWN_DEVICE);
    expect(summariseDevice('   ')).toBe(UNKNOWN_DEVICE);
    expect(summariseDevice('Evil\r\nX-Injected: 1')).toBe('Evil');
    expect(summariseDevice(`${'A'.repeat(500)}/1`)).toHaveLength(80);
    expect(summariseDevice('Mozilla/5.0 (compatible)')).toBe('unknown browser');
  });
});
