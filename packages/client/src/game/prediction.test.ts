import { describe, expect, it } from 'vitest';
import { Predictor } from './prediction.ts';

describe('Predictor', () => {
  it('prediction - inputs move the player at once and wait for the server', () => {
    const p = new Predictor(10, 10);
    expect(p.apply(1, 0.5, 0, 0)).toEqual({ x: 10.5, y: 10 });
    expect(p.apply(2, 0, 0.5, 50)).toEqual({ x: 10.5, y: 10.5 });
    expect(p.pending.map((i) => i.seq)).toEqual([1, 2]);
    expect(p.authoritative).toEqual({ x: 10, y: 10, seq: 0 });
  });

  it('reconciliation - an ack that agrees settles inputs without correction', () => {
    const p = new Predictor(0, 0);
    p.apply(1, 1, 0, 0);
    p.apply(2, 1, 0, 0);
    p.apply(3, 1, 0, 0);
    const r = p.reconcile(1, 1, 0);
    expect(r.settled.map((i) => i.seq)).toEqual([1]);
    expect(r.correction).toBe(0);
    expect([p.x, p.y]).toEqual([3, 0]);
    expect(p.pending.map((i) => i.seq)).toEqual([2, 3]);
  });

  it('reconciliation - a corrected ack replays the unacked inputs on top of the authoritative position', () => {
    const p = new Predictor(0, 0);
    p.apply(1, 1, 0, 0);
    p.apply(2, 1, 0, 0);
    p.apply(3, 0, 1, 0);
    // The server only let seq 1–2 carry the player to (1.5, 0): seq 3 is replayed from there.
    const r = p.reconcile(2, 1.5, 0);
    expect([p.x, p.y]).toEqual([1.5, 1]);
    expect(r.correction).toBeCloseTo(0.5, 12);
    expect(p.authoritative).toEqual({ x: 1.5, y: 0, seq: 2 });
  });

  it('reconciliation - a rejection snaps to the authoritative position and keeps later inputs', () => {
    const p = new Predictor(5, 5);
    p.apply(1, 40, 0, 0); // a speed hack the server will refuse
    p.apply(2, 0, 1, 0);
    p.reconcile(1, 5, 5);
    expect([p.x, p.y]).toEqual([5, 6]);
    p.reconcile(2, 5, 6);
    expect(p.pending).toEqual([]);
  });

  it('reconciliation - an answer older than one already applied changes nothing', () => {
    const p = new Predictor(0, 0);
    p.apply(1, 1, 0, 0);
    p.apply(2, 1, 0, 0);
    p.reconcile(2, 2, 0);
    const r = p.reconcile(1, 99, 99);
    expect(r).toEqual({ settled: [], correction: 0 });
    expect([p.x, p.y]).toEqual([2, 0]);
  });

  it('reconciliation - acks in a scripted session keep prediction equal to the server when nothing is refused', () => {
    const p = new Predictor(100, 100, 0, { width: 1000, height: 1000 });
    let server = { x: 100, y: 100 };
    const inFlight: Array<{ seq: number; dx: number; dy: number }> = [];
    for (let seq = 1; seq <= 50; seq++) {
      const dx = Math.sin(seq) * 0.4;
      const dy = Math.cos(seq) * 0.4;
      p.apply(seq, dx, dy, seq);
      inFlight.push({ seq, dx, dy });
      // The server applies commands three behind the client (latency) and acks each.
      if (inFlight.length > 3) {
        const c = inFlight.shift()!;
        server = { x: server.x + c.dx, y: server.y + c.dy };
        expect(p.reconcile(c.seq, server.x, server.y).correction).toBeLessThan(1e-9);
      }
    }
    expect(p.pending).toHaveLength(3);
  });

  it('prediction - stays inside the bounds (half-open at the far edge)', () => {
    const p = new Predictor(999.9, 0.1, 0, { width: 1000, height: 1000 });
    p.apply(1, 1, -1, 0);
    expect(p.x).toBeLessThan(1000);
    expect(p.x).toBeGreaterThan(999.99);
    expect(p.y).toBe(0);
  });

  it('prediction - reset forgets pending inputs', () => {
    const p = new Predictor(0, 0);
    p.apply(1, 1, 1, 0);
    p.reset(7, 8, 4);
    expect(p.pending).toEqual([]);
    expect(p.authoritative).toEqual({ x: 7, y: 8, seq: 4 });
  });
});
