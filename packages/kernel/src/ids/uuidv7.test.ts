import { describe, expect, it } from 'vitest';
import { isUuid, uuidv7, uuidv7Time } from './uuidv7.ts';

describe('ids - uuidv7', () => {
  it('has version 7 and the RFC variant', () => {
    const id = uuidv7();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
  });

  it('embeds the timestamp', () => {
    expect(uuidv7Time(uuidv7(4_000_000_000_123))).toBe(4_000_000_000_123);
  });

  it('is strictly increasing within one millisecond and across many calls', () => {
    const ids = Array.from({ length: 50_000 }, () => uuidv7(1_700_000_000_000));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes backwards when the clock does', () => {
    const a = uuidv7(2_000_000_000_000);
    const b = uuidv7(1_000_000_000_000);
    expect(b > a).toBe(true);
  });
});
