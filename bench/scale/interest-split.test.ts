import { describe, expect, it } from 'vitest';
import {
  expectedDeliveries,
  gatewayShare,
  INTEREST_SYMBOLS,
  liveLogMessages,
  subscriberChannel,
  subscribersPerChannel,
} from './interest-split.ts';

describe('the interest rows channel split', () => {
  it('gives each of up to ten gateways a disjoint tenth of 100 channels', () => {
    const shares = [0, 1, 2, 3].map((g) => gatewayShare(g, 4));
    expect(shares[1]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(new Set(shares.flat()).size).toBe(40);
    expect(gatewayShare(9, 10)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(() => gatewayShare(0, 11)).toThrow(/1 to 10 gateways/);
    expect(() => gatewayShare(2, 2)).toThrow(/not one of 2/);
  });

  it('names 100 distinct canonical symbols', () => {
    expect(new Set(INTEREST_SYMBOLS).size).toBe(100);
    expect(INTEREST_SYMBOLS[7]).toBe('C07-USD');
    for (const symbol of INTEREST_SYMBOLS) expect(symbol).toMatch(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/);
  });

  it('spreads a gateway subscribers round-robin over its share', () => {
    expect([0, 1, 9, 10, 11].map((i) => subscriberChannel(2, 3, i))).toEqual([20, 21, 29, 20, 21]);
    const counts = subscribersPerChannel([25, 10]);
    expect([counts[0], counts[4], counts[5], counts[10], counts[19], counts[20]]).toEqual([3, 3, 2, 1, 1, 0]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(35);
  });

  it('expects deliveries of each seq to its channel subscribers only', () => {
    const counts = subscribersPerChannel([10]); // one subscriber on each of channels 0..9
    expect(expectedDeliveries(1, 100, counts)).toBe(10);
    expect(expectedDeliveries(95, 105, counts)).toBe(6); // seqs 100..105 on channels 0..5
  });
});

describe('liveLogMessages', () => {
  const text = [
    '# HELP tickline_realtime_log_messages_total Messages this gateway received',
    '# TYPE tickline_realtime_log_messages_total counter',
    'tickline_realtime_log_messages_total{source="history",node="a"} 40',
    'tickline_realtime_log_messages_total{node="a",source="live"} 1234',
    'tickline_realtime_log_messages_totally{source="live"} 9',
  ].join('\n');

  it('reads the live count whatever the label order', () => {
    expect(liveLogMessages(text)).toBe(1234);
  });

  it('fails clearly when the gateway exposes no such counter', () => {
    expect(() => liveLogMessages('tickline_realtime_log_messages_totally{source="live"} 9')).toThrow(
      /no tickline_realtime_log_messages_total/,
    );
  });
});
