import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';

describe('free ports', () => {
  it('free ports - never the same port twice in one process', async () => {
    const ports = [];
    for (let i = 0; i < 200; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
  });
});
