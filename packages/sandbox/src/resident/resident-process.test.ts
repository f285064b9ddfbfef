import { createMetricsRegistry, isTicklineError, type Logger } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createResidentProcess, type ResidentLoss, type ResidentProcess } from './resident-process.ts';

const ENTRY = new URL('../testing/test-resident.ts', import.meta.url);
/** Loose: the machine may be busy (CI at load 10–20); the supervisor only needs to win. */
const WALL = { wallMs: 20_000 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isTicklineError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('resident sandbox process', () => {
  let proc: ResidentProcess | undefined;
  afterEach(() => proc?.close());

  /** What the supervisor logged, by message. */
  const logged: string[] = [];
  const log = (_fields: unknown, message?: string) => void logged.push(message ?? String(_fields));
  const logger: Logger = { debug: log, info: log, warn: log, error: log, fatal: log, child: () => logger };

  function start(overrides: { stallMs?: number; memoryMb?: number } = {}) {
    logged.length = 0;
    proc = createResidentProcess({
      name: 'test',
      logger,
      entry: ENTRY,
      memoryMb: overrides.memoryMb ?? 256,
      stallMs: overrides.stallMs ?? 1_500,
      metrics: createMetricsRegistry({ processMetrics: false }),
    });
    return proc;
  }

  it('resident - keeps state across calls, and applies notifications in order with calls', async () => {
    const p = start();
    await p.ready();
    const gen = p.generation;
    expect(await p.call('add', 2, { ...WALL, generation: gen })).toBe(2);
    p.notify('bump', null, gen);
    p.notify('bump', null, gen);
    // Sent after the two notifications: it sees both.
    expect(await p.call('get', null, { ...WALL, generation: gen })).toBe(4);
    await expect(p.call('coded', null, WALL)).rejects.toMatchObject({
      code: 'SANDBOX_TEST_ERROR',
      details: { n: 1 },
    });
    // A coded error is an answer: the state is still there.
    expect(await p.call('get', null, { ...WALL, generation: gen })).toBe(4);
  }, 60_000);

  it('resident - parts of an answer sent ahead reach the caller in order, before the answer', async () => {
    const p = start();
    const parts: unknown[][] = [];
    let answered = false;
    const answer = p.call<number>('stream', 3, {
      ...WALL,
      onProgress: (...args) => {
        expect(answered).toBe(false);
        parts.push(args);
      },
    });
    void answer.then(() => (answered = true));
    expect(await answer).toBe(3);
    expect(parts).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    // A call without a listener ignores the parts; notifications never stream.
    expect(await p.call('stream', 2, WALL)).toBe(2);
  }, 60_000);

  it('resident - a long call that says it is alive is not mistaken for a hang', async () => {
    const p = start({ stallMs: 500 });
    expect(await p.call('work', 1_500, WALL)).toBe('done');
  }, 60_000);

  it.each([
    ['spin', 'SANDBOX_TIMEOUT'],
    ['hoard', 'SANDBOX_MEMORY_LIMIT'],
    ['fault', 'SANDBOX_CRASHED'],
  ])(
    'resident - %s ends the process from outside with %s; calls behind it are lost, the tenant named, a fresh process serves',
    async (method, code) => {
      // The hoard is silent while it allocates: on a loaded machine 1 s of silence came before
      // 96 MB (SANDBOX_TIMEOUT), so its silence deadline is long and its memory is what ends it.
      const hoards = method === 'hoard';
      const p = start({ stallMs: hoards ? 60_000 : 1_000, memoryMb: 96 });
      await p.ready();
      const gen = p.generation;
      const pid = await p.call<number>('pid', null, WALL);
      expect(await p.call('add', 5, { ...WALL, generation: gen })).toBe(5);
      const losses: ResidentLoss[] = [];
      p.onLoss((loss) => losses.push(loss));
      const running = p.call(method, null, { wallMs: hoards ? 120_000 : WALL.wallMs, tenant: 'mallory' });
      const behind = p.call('get', null, { ...WALL, generation: gen });
      expect(await codeOf(running)).toBe(code);
      expect(await codeOf(behind)).toBe('SANDBOX_PROCESS_LOST');
      expect(losses).toEqual([
        expect.objectContaining({ generation: gen, culprit: { method, tenant: 'mallory' } }),
      ]);
      // State of the old generation is refused, not sent to a process that never held it.
      expect(await codeOf(p.call('get', null, { ...WALL, generation: gen }))).toBe('SANDBOX_PROCESS_LOST');
      // A call without a generation waits for the fresh process, whose state starts empty.
      expect(await p.call('get', null, WALL)).toBe(0);
      expect(p.generation).toBe(gen + 1);
      expect(await p.call('pid', null, WALL)).not.toBe(pid);
      await until(
        () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        { timeoutMs: 10_000, what: 'the killed process gone' },
      );
    },
    150_000,
  );

  it('resident - a process that never starts: ready() is retried, then refused, never left waiting', async () => {
    proc = createResidentProcess({
      name: 'test',
      entry: new URL('../testing/test-resident-no-start.ts', import.meta.url),
      memoryMb: 256,
      stallMs: 1_500,
      startTimeoutMs: 300,
    });
    const started = performance.now();
    // Three starts (each ended at its deadline: the child idles, so the wall backstop of ten times
    // the CPU budget ends it; restarted after 200 and 400 ms), then the refusal.
    expect(await codeOf(proc.ready())).toBe('SANDBOX_UNAVAILABLE');
    expect(proc.generation).toBe(3);
    expect(performance.now() - started).toBeGreaterThan(3 * 300);
  }, 60_000);

  it('resident - a process killed from outside (kill -9) is a loss; the next one starts', async () => {
    const p = start();
    await p.ready();
    const gen = p.generation;
    const losses: ResidentLoss[] = [];
    p.onLoss((loss) => losses.push(loss));
    process.kill(p.stats().pid!, 'SIGKILL');
    await until(() => losses.length === 1, { timeoutMs: 10_000, what: 'the loss' });
    expect(losses[0]).toMatchObject({ generation: gen, reason: 'crashed' });
    // It held state, so a fresh process starts without being asked.
    await until(() => p.stats().ready && p.generation === gen + 1, {
      timeoutMs: 30_000,
      what: 'a fresh process',
    });
  }, 60_000);

  it('resident - writes to a child that stopped listening fail quietly; its calls end, the next process answers', async () => {
    const p = start();
    await p.ready();
    const gen = p.generation;
    // The child closes its end of the channel and lives on: every write to it fails (EPIPE).
    p.notify('deafen', null, gen);
    // A call to it is never answered: the stall check ends the process. Until then, notifications
    // go on being written to it, and fail. The second failed write's error once had no listener
    // left: thrown uncaught, it stopped the server (the live failover e2e met it when a sandbox
    // process was killed in the middle of a minute).
    let code: string | undefined;
    void codeOf(p.call('get', null, WALL)).then((c) => (code = c));
    await until(
      () => {
        p.notify('bump', 'x'.repeat(100_000), gen);
        return code !== undefined;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'the unanswered call to end' },
    );
    // Crashed or stalled, as its end of the channel took it: either way a loss, answered.
    expect(code).toMatch(/^SANDBOX_(CRASHED|TIMEOUT)$/);
    // And a fresh process answers the next call.
    expect(await p.call('add', 1, WALL)).toBe(1);
  }, 60_000);
});
