/**
 * @module A pool of supervised child processes for untrusted work. Each process serves one call
 * at a time. The supervisor in this process bounds every call from outside: it reads the child's
 * CPU time and resident memory from the kernel (`/proc`) every `pollMs` and holds a wall-clock
 * deadline; on an overrun, a hang, a crash or a cancel it sends SIGKILL — which nothing inside the
 * child can catch, delay or refuse — rejects the call with a coded error, and starts a fresh
 * process in its place. Tenants whose code keeps killing processes are refused for a while.
 *
 * Why processes and not threads: a thread cannot be stopped from outside. isolated-vm's host-side
 * conversion of a hostile thrown value (a Proxy whose trap loops) ran forever on a thread that
 * ignored dispose, timeouts and termination; Node's shared TypeScript stripper, once trapped by one
 * source, failed every later compile of the process. Both end with the process here.
 */
import type { ChildProcess } from 'node:child_process';
import { TicklineError } from '@tickline/kernel';
import { residentMemoryBytes } from '../resident-memory.ts';
import { DEFAULT_KILL_CODES, MIB, restartDelay, type KillReason, type PendingCall } from './supervision.ts';
import { processCpuMs } from './proc-stat.ts';
import { DEFAULT_EXEC_ARGV, forkSandboxChild } from './fork-child.ts';
import { closest, DataCache, wireOf, type DataPlan } from './data-cache.ts';
import { closeDataFiles, writeDataFile, type WrittenFile } from './data-files.ts';
import { sandboxMetrics } from './metrics.ts';
import { FAULT_MESSAGE, type FromChild, type ToChild, type WireData } from './protocol.ts';
import { boundedError } from './bounded-error.ts';
import { DEFAULT_STRIKES, StrikeBook } from './strikes.ts';
import '../errors.ts';
import { START_CPU_MS, startDeadline, type StartDeadline } from './start-deadline.ts';
import type { CallOptions, ProcessPool, ProcessPoolOptions } from './process-pool-types.ts';

export type { KillReason } from './supervision.ts';
export type {
  CallLimits,
  CallOptions,
  ProcessPool,
  ProcessPoolOptions,
  ProcessPoolStats,
} from './process-pool-types.ts';

type Call = PendingCall<CallOptions>;

interface ReadyWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
  failures: number;
}

const POOL_EXEC_ARGV: readonly string[] = [...DEFAULT_EXEC_ARGV, '--expose-gc'];

interface Slot {
  child: ChildProcess;
  ready: boolean;
  /** Resident bytes when idle after start: calls are bounded above it. */
  baseRss: number;
  /** The content this process holds, as the host planned it. */
  cache: DataCache;
  /** Bytes of content the process holds during the current call (counted in its allowance). */
  dataBytes: number;
  /** The current call's content plan and file, settled when the call ends. */
  plan?: DataPlan;
  file?: WrittenFile;
  call?: Call;
  /** Set when the supervisor killed the process (the exit that follows is expected). */
  killed?: KillReason;
  /** The child said it exits after its answer. */
  retiring?: boolean;
  stderr: () => string;
  stopWatch?: () => void;
  /**
   * Where the current call is: its content being written for the process (`data`), or sent and
   * with the process (`sent`). A call past its wall deadline says which, with the CPU its process
   * used meanwhile: a stall with no CPU is not the code's work.
   */
  stage?: 'data' | 'sent';
}

/** How long a process that said it exits may take to do so before it is killed. */
const RETIRE_GRACE_MS = 2_000;

export function createProcessPool(options: ProcessPoolOptions): ProcessPool {
  const size = Math.max(1, Math.floor(options.size));
  const pollMs = options.pollMs ?? 50;
  const dataCacheBytes = options.dataCacheBytes ?? 0;
  const startTimeoutMs = options.startTimeoutMs ?? START_CPU_MS;
  const codes = { ...DEFAULT_KILL_CODES, fault: 'SANDBOX_FAULT', ...options.codes };
  const strikes = options.strikeBook ?? new StrikeBook({ ...DEFAULT_STRIKES, ...options.strikes });
  const metrics = options.metrics ? sandboxMetrics(options.metrics) : undefined;
  const slots = new Set<Slot>();
  const queue: Call[] = [];
  const kills: Record<KillReason, number> = { cpu: 0, memory: 0, timeout: 0, crashed: 0, cancelled: 0 };
  /** ready() callers, each with the start failures seen since it asked. */
  const readyWaiters: ReadyWaiter[] = [];
  /** Why the last start failed, while no process has started since (for health). */
  let startError: string | undefined;
  let spawned = 0;
  const dataStats = { sent: 0, sentBytes: 0, held: 0 };
  let failedStarts = 0;
  let nextId = 1;
  let closed = false;

  const readyCount = () => [...slots].filter((s) => s.ready).length;
  const updateGauge = () => metrics?.processes.set({ pool: options.name }, readyCount());

  function spawnOne(): void {
    if (closed) return;
    spawned++;
    const { child, stderr } = forkSandboxChild(options.entry, options.execArgv ?? POOL_EXEC_ARGV);
    const slot: Slot = {
      child,
      ready: false,
      baseRss: 0,
      cache: new DataCache(dataCacheBytes),
      dataBytes: 0,
      stderr,
    };
    slots.add(slot);
    const startTimer = startDeadline(child.pid, startTimeoutMs, (reason) => {
      if (slot.ready) return;
      options.logger?.error(
        { pool: options.name, pid: child.pid, reason },
        'sandbox process did not start in time',
      );
      child.kill('SIGKILL');
    });
    child.on('message', (message: FromChild) => onMessage(slot, message, startTimer));
    child.once('exit', (code, signal) => onExit(slot, code, signal, startTimer));
    child.once('error', (error) =>
      options.logger?.error({ err: error, pool: options.name }, 'sandbox process error'),
    );
  }

  function onMessage(slot: Slot, message: FromChild, startTimer: StartDeadline): void {
    if ('ready' in message) {
      startTimer.clear();
      void residentMemoryBytes(slot.child.pid!).then((rss) => {
        slot.baseRss = rss ?? 0;
        slot.ready = true;
        failedStarts = 0;
        startError = undefined;
        updateGauge();
        settleWaiters(false);
        dispatch();
      });
      return;
    }
    if ('alive' in message) return;
    const call = slot.call;
    if (!call || call.id !== message.id) return;
    if ('progress' in message) {
      call.options.onProgress?.(...message.progress);
      return;
    }
    finish(slot);
    if (message.retire) retire(slot);
    if (message.ok) {
      metrics?.calls.inc({ pool: options.name, outcome: 'ok' });
      call.resolve(message.result);
    } else if (message.fault !== undefined) {
      metrics?.calls.inc({ pool: options.name, outcome: 'fault' });
      options.logger?.error(
        { pool: options.name, pid: slot.child.pid, method: call.method, fault: message.fault },
        'sandbox fault',
      );
      // A fault costs a fresh process, and code can make one look like a fault (a rewritten
      // stack): it counts against the tenant as a kill does.
      strike(call, 'fault');
      call.reject(new TicklineError(codes.fault, FAULT_MESSAGE));
    } else {
      metrics?.calls.inc({ pool: options.name, outcome: 'error' });
      const { message: text, details } = boundedError(message.error);
      if (call.options.strikeCodes?.includes(message.error.code)) strike(call, 'cpu');
      call.reject(new TicklineError(message.error.code, text, { details }));
    }
    if (!slot.retiring) dispatch();
  }

  /**
   * The process said it exits after its answer. It is not trusted to: process.exit can deadlock in
   * V8's shutdown (seen here under load: the main thread in a futex wait for minutes), and its slot
   * is replaced only when it is gone, so every call behind it waited with no deadline running. It
   * is killed if still there after a grace.
   */
  function retire(slot: Slot): void {
    slot.retiring = true;
    setTimeout(() => {
      if (slot.child.exitCode !== null || slot.child.signalCode !== null) return;
      options.logger?.warn(
        { pool: options.name, pid: slot.child.pid, graceMs: RETIRE_GRACE_MS },
        'retired sandbox process did not exit; killed',
      );
      slot.child.kill('SIGKILL');
    }, RETIRE_GRACE_MS).unref();
  }

  function onExit(
    slot: Slot,
    code: number | null,
    signal: NodeJS.Signals | null,
    startTimer: StartDeadline,
  ): void {
    startTimer.clear();
    slots.delete(slot);
    const wasReady = slot.ready;
    slot.ready = false;
    updateGauge();
    const call = slot.call;
    if (call) {
      finish(slot);
      // Killed by us: the call was already rejected with its reason. Otherwise it crashed under the call.
      if (!slot.killed) end(call, 'crashed', { exitCode: code, signal });
    } else if (!slot.killed && !slot.retiring && !closed) {
      options.logger?.warn(
        { pool: options.name, pid: slot.child.pid, code, signal, stderr: slot.stderr().slice(-1_000) },
        'idle sandbox process exited; starting another',
      );
    }
    if (closed) return;
    if (!wasReady && !slot.killed) {
      failedStarts++;
      startError = signal ? `killed by ${signal}` : `exited with code ${code}`;
      settleWaiters(true);
    }
    if (failedStarts >= 3 && readyCount() === 0) {
      // No process can start: callers get an answer instead of waiting behind a broken pool.
      for (const queued of queue.splice(0)) queued.reject(unavailable());
      options.logger?.error(
        { pool: options.name, stderr: slot.stderr().slice(-1_000) },
        'sandbox processes fail to start',
      );
    }
    const delay = restartDelay(failedStarts);
    setTimeout(spawnOne, delay).unref();
  }

  /**
   * Answers ready() callers once each process started or failed to start once (a failure counts
   * for every caller waiting then). A caller is refused when none could start: waiting for ever
   * behind a pool whose children die at start (a bad entry, a broken set-up) hung start-up.
   */
  function settleWaiters(failed: boolean): void {
    const ready = readyCount();
    for (const waiter of [...readyWaiters]) {
      if (failed) waiter.failures++;
      if (ready < size && ready + waiter.failures < size) continue;
      readyWaiters.splice(readyWaiters.indexOf(waiter), 1);
      if (ready > 0) waiter.resolve();
      else waiter.reject(unavailable());
    }
  }

  function unavailable(): TicklineError {
    return new TicklineError('SANDBOX_UNAVAILABLE', `no ${options.name} sandbox process could start`, {
      details: { reason: startError },
    });
  }

  /** Counts a process lost to the call's code against its tenant. */
  function strike(call: Call, reason: KillReason | 'fault'): void {
    const tenant = call.options.tenant;
    if (tenant === undefined) return;
    const suspended = strikes.strike(tenant);
    options.onStrike?.(tenant, reason);
    if (suspended) options.logger?.warn({ pool: options.name, tenant }, 'tenant suspended from the sandbox');
  }

  /** Rejects `call` because its process was (or is being) ended for `reason`. */
  function end(call: Call, reason: KillReason, details: Record<string, unknown> = {}): void {
    kills[reason]++;
    metrics?.kills.inc({ pool: options.name, reason });
    metrics?.calls.inc({ pool: options.name, outcome: 'killed' });
    if (reason !== 'cancelled') strike(call, reason);
    const { limits } = call.options;
    const message: Record<KillReason, string> = {
      cpu: `the code used more than ${limits.cpuMs} ms of CPU time; its process was stopped`,
      memory: `the code held more than ${limits.memoryMb} MB of memory; its process was stopped`,
      timeout: `the code did not finish within ${limits.wallMs} ms; its process was stopped`,
      crashed: 'the process running the code exited before it answered',
      cancelled: 'the run was cancelled',
    };
    call.reject(
      new TicklineError(codes[reason], message[reason], { details: { ...limits, reason, ...details } }),
    );
  }

  function kill(slot: Slot, reason: KillReason, details?: Record<string, unknown>): void {
    const call = slot.call;
    if (slot.killed || !call) return;
    slot.killed = reason;
    finish(slot);
    slot.child.kill('SIGKILL');
    end(call, reason, details);
  }

  function finish(slot: Slot): void {
    slot.stopWatch?.();
    delete slot.stopWatch;
    delete slot.stage;
    delete slot.call;
    if (slot.plan !== undefined) slot.cache.settle(slot.plan);
    slot.dataBytes = slot.cache.bytes;
    delete slot.plan;
    // The process has read the file (it answered) or is gone: the file may serve another call.
    const file = slot.file;
    delete slot.file;
    void file
      ?.release()
      .catch((error: unknown) =>
        options.logger?.warn({ err: error, pool: options.name }, 'sandbox data file not released'),
      );
  }

  /** The supervisor of one call: CPU and memory from /proc, the wall deadline, the caller's cancel. */
  async function watch(slot: Slot, call: Call): Promise<void> {
    const pid = slot.child.pid!;
    const { limits, signal } = call.options;
    const cpuStart = (await processCpuMs(pid)) ?? 0;
    if (slot.call !== call) return;
    // The content the process holds for this call and keeps for others is the host's to count.
    const rssLimit = slot.baseRss + slot.dataBytes + limits.memoryMb * MIB;
    let reading = false;
    let usedCpuMs = 0;
    const poll = setInterval(() => {
      if (reading) return;
      reading = true;
      void Promise.all([processCpuMs(pid), residentMemoryBytes(pid)]).then(([cpu, rss]) => {
        reading = false;
        if (slot.call !== call) return;
        if (cpu !== undefined) usedCpuMs = cpu - cpuStart;
        // Memory first: filling memory costs CPU too (page faults), and the memory is the cause.
        if (rss !== undefined && rss > rssLimit) kill(slot, 'memory', { residentMb: Math.round(rss / MIB) });
        else if (cpu !== undefined && cpu - cpuStart > limits.cpuMs)
          kill(slot, 'cpu', { usedCpuMs: cpu - cpuStart });
      });
    }, pollMs);
    const deadline = setTimeout(() => {
      const details = { stage: slot.stage, usedCpuMs };
      options.logger?.warn(
        { pool: options.name, method: call.method, ...details, stderr: slot.stderr().slice(-2_000) },
        'sandbox call past its wall deadline',
      );
      kill(slot, 'timeout', details);
    }, limits.wallMs);
    const onAbort = () => kill(slot, 'cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    slot.stopWatch = () => {
      clearInterval(poll);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
    };
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const free = [...slots].filter((s) => s.ready && !s.call && !s.killed && !s.retiring);
      if (free.length === 0) return;
      const call = queue.shift()!;
      if (call.options.signal?.aborted) {
        end(call, 'cancelled');
        continue;
      }
      const slot = closest(free, call.options.data);
      slot.call = call;
      void start(slot, call);
    }
  }

  /** Plans the call's content, writes what the process lacks, then sends the call. */
  async function start(slot: Slot, call: Call): Promise<void> {
    let wire: WireData | undefined;
    try {
      wire = await prepareData(slot, call);
    } catch (error) {
      // The model now says the process holds content it never got: it serves no one else.
      if (slot.call === call) {
        finish(slot);
        slot.retiring = true;
        slot.child.kill('SIGKILL');
        metrics?.calls.inc({ pool: options.name, outcome: 'fault' });
        options.logger?.error(
          { err: error, pool: options.name, method: call.method },
          'sandbox call data not sent',
        );
        call.reject(new TicklineError(codes.fault, FAULT_MESSAGE));
      }
      return;
    }
    // Ended while its content was written (a cancel, a deadline, the process gone): nothing to send.
    if (slot.call !== call) return;
    slot.stage = 'sent';
    slot.child.send({
      id: call.id,
      method: call.method,
      payload: call.payload,
      ...(wire === undefined ? {} : { data: wire }),
    } satisfies ToChild);
  }

  /**
   * Plans the content side of the call on `slot`, starts its supervision, and writes the content
   * the process lacks into a file for it to read.
   */
  async function prepareData(slot: Slot, call: Call): Promise<WireData | undefined> {
    const data = call.options.data;
    if (data === undefined || data.length === 0) {
      void watch(slot, call);
      return undefined;
    }
    slot.stage = 'data';
    const plan = slot.cache.plan(data);
    slot.plan = plan;
    slot.dataBytes = slot.cache.bytes;
    // Supervised from here: the memory allowance counts the content planned above.
    void watch(slot, call);
    const { wire, parts } = wireOf(plan);
    dataStats.sent += wire.put.length;
    dataStats.sentBytes += wire.put.reduce((n, p) => n + p.byteLength, 0);
    dataStats.held += wire.uses.length - wire.put.length;
    if (parts.length === 0) return wire;
    const file = await writeDataFile(parts);
    if (slot.call !== call) {
      await file.release();
      return wire;
    }
    slot.file = file;
    return { ...wire, file: file.path };
  }

  for (let i = 0; i < size; i++) spawnOne();

  return {
    call<R>(method: string, payload: unknown, callOptions: CallOptions): Promise<R> {
      if (closed)
        return Promise.reject(new TicklineError('SANDBOX_UNAVAILABLE', 'the sandbox pool is stopped'));
      const tenant = callOptions.tenant;
      const left = tenant === undefined ? 0 : strikes.suspendedFor(tenant);
      if (left > 0) {
        const retryAfterSeconds = Math.ceil(left / 1000);
        return Promise.reject(
          new TicklineError(
            'SANDBOX_SUSPENDED',
            `code of this account got sandbox processes killed repeatedly; try again in ${retryAfterSeconds} s`,
            { details: { retryAfterSeconds } },
          ),
        );
      }
      return new Promise<R>((resolve, reject) => {
        queue.push({
          id: nextId++,
          method,
          payload,
          options: callOptions,
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        dispatch();
      });
    },
    ready() {
      if (closed || readyCount() === size) return Promise.resolve();
      return new Promise((resolve, reject) => readyWaiters.push({ resolve, reject, failures: 0 }));
    },
    stats: () => ({
      size,
      ready: readyCount(),
      busy: [...slots].filter((s) => s.call).length,
      queued: queue.length,
      kills: { ...kills },
      spawned,
      data: { ...dataStats },
      ...(startError !== undefined && readyCount() === 0 ? { startError } : {}),
    }),
    async close() {
      closed = true;
      for (const call of queue.splice(0))
        call.reject(new TicklineError('SANDBOX_UNAVAILABLE', 'the sandbox pool is stopped'));
      const exits = [...slots].map((slot) => {
        if (slot.call) {
          const call = slot.call;
          finish(slot);
          call.reject(new TicklineError('SANDBOX_UNAVAILABLE', 'the sandbox pool is stopped'));
        }
        slot.killed ??= 'cancelled';
        return new Promise<void>((resolve) => {
          if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
          slot.child.once('exit', () => resolve());
          slot.child.kill('SIGKILL');
        });
      });
      await Promise.all(exits);
      await closeDataFiles();
      slots.clear();
      updateGauge();
      for (const waiter of readyWaiters.splice(0)) waiter.resolve();
    },
  };
}
