import { describe, expect, it } from 'vitest';
import { lsnDistance, lsnToBytes } from './lsn.ts';

describe('lsn', () => {
  it('lsn - reads both halves as hex, the high one shifted by 32 bits', () => {
    expect(lsnToBytes('0/16B3748')).toBe(0x16b3748n);
    expect(lsnToBytes('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(lsnToBytes('nonsense')).toBeUndefined();
    expect(lsnToBytes(null)).toBeUndefined();
  });

  it('lsn - distance is what the replica has yet to replay, never negative', () => {
    expect(lsnDistance('1/00000010', '0/FFFFFFF0')).toBe(0x20);
    expect(lsnDistance('0/100', '0/200')).toBe(0);
    expect(lsnDistance('0/100', null)).toBeUndefined();
  });
});
