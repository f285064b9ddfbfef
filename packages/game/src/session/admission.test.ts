import { describe, expect, it } from 'vitest';
import { GameCloseCode } from '@tickline/protocol';
import { AddressCounts, admissionRefusal } from './admission.ts';

describe('game - connection admission', () => {
  it('counts connections per address and reports the distinct addresses', () => {
    const sizes: number[] = [];
    const counts = new AddressCounts((n) => sizes.push(n));
    expect(counts.add('10.0.0.1')).toBe(1);
    expect(counts.add('10.0.0.1')).toBe(2);
    expect(counts.add('10.0.0.2')).toBe(1);
    counts.remove('10.0.0.1');
    counts.remove('10.0.0.1');
    expect(counts.add('10.0.0.1')).toBe(1);
    expect(sizes).toEqual([1, 1, 2, 2, 1, 2]);
  });

  it('counts an IPv6 /64 as one address and a mapped IPv4 address as its IPv4, as HTTP does (issue 46.4)', () => {
    const counts = new AddressCounts(() => undefined);
    expect(counts.add('2001:db8:1:2::a')).toBe(1);
    expect(counts.add('2001:db8:1:2:ffff::b')).toBe(2);
    expect(counts.add('2001:db8:1:3::a')).toBe(1);
    expect(counts.add('::ffff:127.0.0.1')).toBe(1);
    expect(counts.add('127.0.0.1')).toBe(2);
    counts.remove('2001:db8:1:2::a');
    expect(counts.add('2001:db8:1:2::c')).toBe(2);
  });

  it('refuses past the server cap first, then past the address cap', () => {
    const limits = { maxConnections: 10, maxConnectionsPerAddress: 2 };
    expect(admissionRefusal(limits, 10, 2)).toBeUndefined();
    expect(admissionRefusal(limits, 11, 3)).toMatchObject({
      limit: 'server',
      code: GameCloseCode.ServerFull,
    });
    expect(admissionRefusal(limits, 5, 3)).toMatchObject({
      limit: 'address',
      code: GameCloseCode.AddressLimit,
      message: 'at most 2 connections per address',
    });
  });
});
