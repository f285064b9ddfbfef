import { describe, expect, it } from 'vitest';
import { IdWindow } from './id-window.ts';

describe('id window', () => {
  it('id window - remembers ids for the window, then forgets them', () => {
    const window = new IdWindow(1000);
    window.set('a', 1, 0);
    window.set('b', 2, 500);
    expect(window.get('a', 1000)).toBe(1);
    expect(window.get('a', 1001)).toBeUndefined();
    expect(window.get('b', 1001)).toBe(2);
    expect(window.get('b', 1501)).toBeUndefined();
    expect(window.size).toBe(0);
  });

  it('id window - holds at most maxEntries, dropping the oldest', () => {
    const window = new IdWindow(60_000, 3);
    for (let i = 1; i <= 5; i++) window.set(`id-${i}`, i, 0);
    expect(window.get('id-1', 0)).toBeUndefined();
    expect(window.get('id-2', 0)).toBeUndefined();
    expect([3, 4, 5].map((i) => window.get(`id-${i}`, 0))).toEqual([3, 4, 5]);
  });

  it('id window - setting an id again takes it over; the old entry aging out does not drop it', () => {
    const window = new IdWindow(1000);
    window.set('x', 1, 0);
    window.set('x', 7, 900);
    expect(window.get('x', 950)).toBe(7);
    expect(window.get('x', 1500)).toBe(7);
  });

  it('id window - agrees with a plain Map model under random use (growth, collisions, expiry)', () => {
    const window = new IdWindow(1000, 5000);
    const model = new Map<string, number>();
    const order: Array<[id: string, offset: number, at: number]> = [];
    let head = 0;
    let now = 0;
    let offset = 0;
    let seed = 42;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const expire = (): void => {
      while (head < order.length && (order[head]![2] < now - 1000 || order.length - head > 5000)) {
        const [id, at] = order[head++]!;
        if (model.get(id) === at) model.delete(id);
      }
    };
    for (let i = 0; i < 100_000; i++) {
      if (random() < 0.01) now += 50;
      const id = `id-${Math.floor(random() * 20_000)}`;
      expire();
      const got = window.get(id, now);
      expect(got).toBe(model.get(id));
      if (got === undefined || random() < 0.05) {
        window.set(id, ++offset, now);
        model.set(id, offset);
        order.push([id, offset, now]);
        expire();
      }
    }
  });
});
