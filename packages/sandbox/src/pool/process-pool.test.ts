import { createMetricsRegistry, isTicklineError, silentLogger, type Logger } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessPool, type CallLimits, type ProcessPool } from './process-pool.ts';

const ENTRY = new URL('../testing/test-child.ts', import.meta.url);
/** Loose bounds: the machine may be busy (CI at load 10–20); the supervisor only needs to win. */
const LIMITS: CallLimits = { cpuMs: 500, memoryMb: 128, wallMs: 20_000 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isTicklineError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('sandbox process pool', () => {
  let pool: ProcessPool;
  const metrics = createMetricsRegistry({ processMetrics: false });
  beforeAll(async () => {
    pool = createProcessPool({ name: 'test', entry: ENTRY, size: 2, metrics, strikes: { max: 3 } });
    await pool.ready();
  }, 60_000);
  afterAll(() => pool?.close());

  it('pool - answers calls, with progress, and typed arrays cross intact', async () => {
    expect(await pool.call('echo', { a: [1, 'x'] }, { limits: LIMITS })).toEqual({ a: [1, 'x'] });
    const seen: unknown[][] = [];
    expect(await pool.call('progress', 3, { limits: LIMITS, onProgress: (...a) => seen.push(a) })).toBe(3);
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const doubled = await pool.call<Float64Array>('typed', new Float64Array([1, 2.5]), { limits: LIMITS });
    expect(doubled).toBeInstanceOf(Float64Array);
    expect([...doubled]).toEqual([2, 5]);
  });

  it('retire - a process that says it exits and does not is killed; the next call is served', async () => {
    const one = createProcessPool({ name: 'retire', entry: ENTRY, size: 1 });
    try {
      await one.ready();
      const stuck = await one.call<number>('retireButStay', null, { limits: LIMITS });
      // Served by a fresh process, though the old one never left by itself.
      const next = await one.call<number>('pid', null, { limits: LIMITS });
      expect(next).not.toBe(stuck);
      expect(() => process.kill(stuck, 0)).toThrow();
    } finally {
      await one.close();
    }
  }, 60_000);

  it('pool - a coded error comes back as it was; a fault is logged, told as a fixed text, and retires its process', async () => {
    await expect(pool.call('coded', null, { limits: LIMITS })).rejects.toMatchObject({
      code: 'SANDBOX_TEST_ERROR',
      details: { n: 1 },
    });
    const logged: Array<Record<string, unknown>> = [];
    const logger: Logger = {
      ...silentLogger,
      error: (fields: string | Record<string, unknown>) => {
        if (typeof fields === 'object') logged.push(fields);
      },
    };
    const one = createProcessPool({ name: 'faults', entry: ENTRY, size: 1, logger });
    try {
      await one.ready();
      const before = await one.call<number>('pid', null, { limits: LIMITS });
      const fault = await one.call('fault', null, { limits: LIMITS }).catch((e: unknown) => e);
      // The caller learns that the sandbox failed, not how: the text may hold internals.
      expect(fault).toMatchObject({ code: 'SANDBOX_FAULT', message: expect.not.stringContaining('broken') });
      expect(logged).toEqual([
        expect.objectContaining({
          pool: 'faults',
          method: 'fault',
          fault: expect.stringContaining('RangeError: broken inside'),
        }),
      ]);
      // The process that faulted serves no one else.
      expect(await one.call<number>('pid', null, { limits: LIMITS })).not.toBe(before);
      // Node's own coded errors are faults too: their messages hold paths.
      const enoent = await one.call('nodeError', null, { limits: LIMITS }).catch((e: unknown) => e);
      expect(enoent).toMatchObject({ code: 'SANDBOX_FAULT', message: expect.not.stringContaining('secret') });
      expect(logged.at(-1)).toMatchObject({ fault: expect.stringContaining('/nonexistent/secret/path') });
    } finally {
      await one.close();
    }
  });

  it('pool - what a child answers is bounded here, whatever the child did', async () => {
    const forged = await pool.call('forge', null, { limits: LIMITS }).catch((e: unknown) => e);
    expect(forged).toMatchObject({ code: 'SANDBOX_TEST_ERROR', details: { truncated: true } });
    expect((forged as Error).message.length).toBeLessThanOrEqual(2_048);
  });

  it.each([
    ['spin', 'SANDBOX_CPU_LIMIT'],
    ['hoard', 'SANDBOX_MEMORY_LIMIT'],
    ['hang', 'SANDBOX_TIMEOUT'],
    ['exit', 'SANDBOX_CRASHED'],
  ])(
    'limits - %s is ended from outside with %s, and the pool serves the next call',
    async (method, code) => {
      const limits =
        method === 'hang'
          ? { ...LIMITS, wallMs: 1_000 }
          : method === 'hoard'
            ? { ...LIMITS, cpuMs: 10_000 }
            : LIMITS;
      const started = Date.now();
      const ended = await pool.call(method, null, { limits, tenant: `t-${method}` }).catch((e: unknown) => e);
      expect(isTicklineError(ended) && ended.code).toBe(code);
      // Past its deadline, a call says where it stalled: with the process, which used little CPU.
      if (method === 'hang')
        expect(ended).toMatchObject({ details: { stage: 'sent', usedCpuMs: expect.any(Number) } });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(await pool.call('echo', 'after', { limits: LIMITS })).toBe('after');
    },
    60_000,
  );

  it('limits - a cancelled call is ended at once and not held against the tenant', async () => {
    const abort = new AbortController();
    const running = pool.call('hang', null, { limits: LIMITS, signal: abort.signal, tenant: 'canceller' });
    setTimeout(() => abort.abort(), 200);
    expect(await codeOf(running)).toBe('SANDBOX_CANCELLED');
    for (let i = 0; i < 4; i++) {
      const again = new AbortController();
      again.abort();
      expect(
        await codeOf(pool.call('echo', 1, { limits: LIMITS, signal: again.signal, tenant: 'canceller' })),
      ).toBe('SANDBOX_CANCELLED');
    }
    expect(await pool.call('echo', 2, { limits: LIMITS, tenant: 'canceller' })).toBe(2);
  }, 60_000);

  it('strikes - a tenant whose code kills processes three times is refused; others are served', async () => {
    const short = { ...LIMITS, wallMs: 300 };
    for (let i = 0; i < 3; i++)
      expect(await codeOf(pool.call('hang', null, { limits: short, tenant: 'hostile' }))).toBe(
        'SANDBOX_TIMEOUT',
      );
    await expect(pool.call('echo', 1, { limits: LIMITS, tenant: 'hostile' })).rejects.toMatchObject({
      code: 'SANDBOX_SUSPENDED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(await pool.call('echo', 'fine', { limits: LIMITS, tenant: 'neighbour' })).toBe('fine');
  }, 60_000);

  it('strikes - faults count against the tenant too (a fault costs a fresh process)', async () => {
    for (let i = 0; i < 3; i++)
      expect(await codeOf(pool.call('fault', null, { limits: LIMITS, tenant: 'faulty' }))).toBe(
        'SANDBOX_FAULT',
      );
    expect(await codeOf(pool.call('echo', 1, { limits: LIMITS, tenant: 'faulty' }))).toBe(
      'SANDBOX_SUSPENDED',
    );
  }, 60_000);

  it('strikes - answers with a code the call names count as kills; other coded answers do not', async () => {
    for (let i = 0; i < 3; i++)
      expect(await codeOf(pool.call('coded', null, { limits: LIMITS, tenant: 'patient' }))).toBe(
        'SANDBOX_TEST_ERROR',
      );
    expect(await pool.call('echo', 1, { limits: LIMITS, tenant: 'patient' })).toBe(1);
    const striking = { limits: LIMITS, tenant: 'looping', strikeCodes: ['SANDBOX_TEST_ERROR'] };
    for (let i = 0; i < 3; i++)
      expect(await codeOf(pool.call('coded', null, striking))).toBe('SANDBOX_TEST_ERROR');
    expect(await codeOf(pool.call('echo', 1, { limits: LIMITS, tenant: 'looping' }))).toBe(
      'SANDBOX_SUSPENDED',
    );
  }, 60_000);

  it('pool - a hostile call on one process leaves the other serving', async () => {
    // A niced child on a loaded machine burns 3 s of CPU slowly: its wall deadline is far, so the
    // CPU limit is what ends it (20 s of wall came first at load 8).
    const hostile = pool.call('spin', null, {
      limits: { ...LIMITS, cpuMs: 3_000, wallMs: 180_000 },
      tenant: 'spinner',
    });
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => pool.call('echo', i, { limits: LIMITS })),
    );
    expect(answers).toEqual([0, 1, 2, 3, 4]);
    expect(await codeOf(hostile)).toBe('SANDBOX_CPU_LIMIT');
    const text = await metrics.metrics();
    expect(text).toMatch(/tickline_sandbox_kills_total\{pool="test",reason="cpu"\} [1-9]/);
    expect(pool.stats().kills.cpu).toBeGreaterThanOrEqual(2);
  }, 200_000);

  it('pool - close rejects what waits and stops every process', async () => {
    const other = createProcessPool({ name: 'closing', entry: ENTRY, size: 1 });
    await other.ready();
    const pid = await other.call<number>('pid', null, { limits: LIMITS });
    const running = codeOf(other.call('hang', null, { limits: LIMITS }));
    await other.close();
    expect(await running).toBe('SANDBOX_UNAVAILABLE');
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await codeOf(other.call('echo', 1, { limits: LIMITS }))).toBe('SANDBOX_UNAVAILABLE');
  }, 60_000);
});
