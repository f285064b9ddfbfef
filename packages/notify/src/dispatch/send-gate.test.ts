import { until } from '@tickline/testing';
import { describe, expect, it, vi } from 'vitest';
import { createSendGate, type GateJob } from './send-gate.ts';

/** A job that runs until released, recording when it started. */
function job(tenant: string, target: string, log: string[]) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const expired: string[] = [];
  const j: GateJob & { finish: () => void; expired: string[] } = {
    tenant,
    target,
    run: async () => {
      log.push(`${tenant}/${target}`);
      await done;
    },
    expire: () => expired.push(`${tenant}/${target}`),
    finish,
    expired,
  };
  return j;
}
const tick = () => new Promise((r) => setImmediate(r));

describe('send gate', () => {
  it('gate - a tenant whose receiver never answers holds its share, and others keep sending', async () => {
    const gate = createSendGate({
      total: 8,
      perTenant: 2,
      perTarget: 2,
      maxQueuedPerTenant: 100,
      maxWaitMs: 60_000,
    });
    const started: string[] = [];
    const stuck = Array.from({ length: 50 }, () => job('slow', 'webhook:drip', started));
    for (const j of stuck) expect(gate.submit(j)).toBe(true);
    // 50 from the slow tenant: only its share runs.
    expect(started.filter((s) => s.startsWith('slow'))).toHaveLength(2);
    const others = Array.from({ length: 6 }, (_, i) => job(`t${i}`, `webhook:ok${i}`, started));
    for (const j of others) gate.submit(j);
    expect(started.filter((s) => !s.startsWith('slow'))).toHaveLength(6);
    expect(gate.busy().tenants).toContain('slow');
    expect(gate.busy().targets).toContain('webhook:drip');
    for (const j of others) j.finish();
    for (const j of stuck) j.finish();
    await tick();
  });

  it('gate - freed slots go round the tenants in turn, not to the longest queue', async () => {
    const gate = createSendGate({
      total: 2,
      perTenant: 2,
      perTarget: 2,
      maxQueuedPerTenant: 100,
      maxWaitMs: 60_000,
    });
    const started: string[] = [];
    const a = Array.from({ length: 6 }, (_, i) => job('a', `t:a${i}`, started));
    const b = Array.from({ length: 2 }, (_, i) => job('b', `t:b${i}`, started));
    for (const j of a) gate.submit(j);
    for (const j of b) gate.submit(j);
    expect(started).toEqual(['a/t:a0', 'a/t:a1']);
    a[0]!.finish();
    await tick();
    a[1]!.finish();
    await tick();
    // b's first job got the first freed slot although a queued earlier.
    expect(started.slice(2, 4).sort()).toEqual(['a/t:a2', 'b/t:b0']);
    for (const j of [...a, ...b]) j.finish();
    await tick();
    await tick();
  });

  it('gate - a full tenant queue refuses, and a job that waited too long is handed back', async () => {
    const gate = createSendGate({
      total: 1,
      perTenant: 1,
      perTarget: 1,
      maxQueuedPerTenant: 2,
      maxWaitMs: 50,
    });
    const started: string[] = [];
    const running = job('a', 't:x', started);
    const waiting = [job('a', 't:x', started), job('a', 't:x', started)];
    expect(gate.submit(running)).toBe(true);
    for (const j of waiting) expect(gate.submit(j)).toBe(true);
    expect(gate.submit(job('a', 't:x', started))).toBe(false);
    await until(() => waiting.flatMap((j) => j.expired).length >= 2, {
      timeoutMs: 15_000,
      what: 'both queued jobs to expire past maxWaitMs',
    });
    expect(waiting.flatMap((j) => j.expired)).toHaveLength(2);
    expect(gate.stats()).toEqual({ inFlight: 1, queued: 0 });
    running.finish();
    await gate.drained();
    expect(gate.stats().inFlight).toBe(0);
  });

  it('gate - expiry hands back only the jobs that waited too long; the later ones keep their turn', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const gate = createSendGate({
        total: 1,
        perTenant: 1,
        perTarget: 1,
        maxQueuedPerTenant: 10,
        maxWaitMs: 50,
      });
      const started: string[] = [];
      const running = job('a', 't:x', started);
      const early = [job('a', 't:1', started), job('b', 't:2', started)];
      const late = [job('a', 't:3', started), job('b', 't:4', started)];
      gate.submit(running);
      for (const j of early) gate.submit(j);
      vi.advanceTimersByTime(30);
      for (const j of late) gate.submit(j);
      vi.advanceTimersByTime(40); // the early ones waited 70 ms, the late ones 40
      expect(early.flatMap((j) => j.expired)).toEqual(['a/t:1', 'b/t:2']);
      expect(late.flatMap((j) => j.expired)).toEqual([]);
      expect(gate.stats()).toEqual({ inFlight: 1, queued: 2 });
      running.finish();
      await tick(); // setImmediate is not faked: the slot's release runs, no timer moves
      expect(started).toEqual(['a/t:x', 'a/t:3']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gate - whenSpare waits while a freed slot goes to a waiting job, and resolves once one is free', async () => {
    const gate = createSendGate({
      total: 2,
      perTenant: 2,
      perTarget: 2,
      maxQueuedPerTenant: 100,
      maxWaitMs: 60_000,
    });
    const started: string[] = [];
    const jobs = Array.from({ length: 3 }, (_, i) => job('a', `t:${i}`, started));
    for (const j of jobs) gate.submit(j);
    let spare = false;
    void gate.whenSpare().then(() => (spare = true));
    // The first slot freed goes to the waiting third job: nothing is spare for the SQL queue.
    jobs[0]!.finish();
    await tick();
    expect(started).toContain('a/t:2');
    expect(gate.spare()).toBe(0);
    expect(spare).toBe(false);
    jobs[1]!.finish();
    await tick();
    expect(spare).toBe(true);
    jobs[2]!.finish();
    await gate.drained();
  });
});
