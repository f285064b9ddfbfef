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
import { TicklineError, type Logger, type Registry } from '@tickline/kernel';
import { residentMemoryBytes } from '../resident-memory.ts';
import {
  DEFAULT_KILL_CODES,
  MIB,
  restartDelay,
  type KillReason,
  type PendingCall,
} from './supervision.ts';
import { processCpuMs } from './proc-stat.ts';
import { forkSandboxChild } from './fork-child.ts';
import { sandboxMetrics } from './metrics.ts';
import { FAULT_MESSAGE, type FromChild, type ToChild, type WireError } from './protocol.ts';
import { DEFAULT_STRIKES, StrikeBook, type StrikePolicy } from './strikes.ts';
import '../errors.ts';

export type { KillReason } from './supervision.ts';

/** Bounds of one call, enforced on the process that runs it. */
export interface CallLimits {
  /** CPU time of the process during the call (user + system, as the kernel counts it). */
  cpuMs: number;
  /** Resident memory above the process's idle size. */
  memoryMb: number;
  /** Wall-clock deadline of the call. */
  wallMs: number;
}

export interface CallOptions {
  limits: CallLimits;
  /** Who the code belongs to: kills count against this tenant. */
  tenant?: string;
  signal?: AbortSignal;
  onProgress?: (...args: unknown[]) => void;
}

export interface ProcessPoolOptions {
  /** Label of the pool in metrics and logs (`backtest`, `compile`). */
  name: string;
  /** The child's entry module; it calls `serveSandboxProcess`. */
  entry: URL;
  /** Processes kept running. */
  size: number;
  /** Node flags of the children. @default ['--no-node-snapshot'] (isolated-vm needs it) */
  execArgv?: string[];
  logger?: Logger;
  metrics?: Registry;
  strikes?: Partial<StrikePolicy>;
  /** How often CPU and memory are read. @default 50 */
  pollMs?: number;
  /** A child that is not ready by then is killed and started again. @default 60_000 */
  startTimeoutMs?: number;
  /**
   * The code a call is rejected with, per kill reason and for a fault of the process itself (a
   * domain's own codes). Defaults: SANDBOX_*.
   */
  codes?: Partial<Record<KillReason | 'fault', string>>;
  /** Told when a tenant's call got its process killed or faulted (not a cancel): to move the tenant aside. */
  onStrike?: (tenant: string, reason: KillReason | 'fault') => void;
  /** Strikes shared with other pools (a tenant struck in one is struck in all). */
  strikeBook?: StrikeBook;
}

export interface ProcessPoolStats {
  size: number;
  ready: number;
  busy: number;
  queued: number;
  kills: Record<KillReason, number>;
  spawned: number;
}

export interface ProcessPool {
  /** Runs `method` in a process of the pool; rejects with a coded TicklineError. */
  call<R>(method: string, payload: unknown, options: CallOptions): Promise<R>;
  /** Resolves once every process is ready (or failed to start once). */
  ready(): Promise<void>;
  stats(): ProcessPoolStats;
  /** Kills every process and rejects what is queued or running. */
  close(): Promise<void>;
}

/**
 * What of a child's error reaches the caller. The child runs hostile code, so its answers are
 * bounded here again, whatever it bounded itself: a message of at most 2,048 characters, details
 * of at most 4 KiB as JSON.
 */
const MAX_MESSAGE_CHARS = 2_048;
const MAX_DETAILS_BYTES = 4_096;

function boundedError(error: WireError): { message: string; details: Record<string, unknown> } {
  const message = String(error.message).slice(0, MAX_MESSAGE_CHARS);
  let details: Record<string, unknown> = {};
  if (typeof error.details === 'object' && error.details !== null) {
    let size = Infinity;
    try {
      size = JSON.stringify(error.details).length;
    } catch {
      // Not JSON: dropped.
    }
    details = size <= MAX_DETAILS_BYTES ? error.details : { truncated: true };
  }
  return { message, details };
}

type Call = PendingCall<CallOptions>;

interface Slot {
  child: ChildProcess;
  ready: boolean;
  /** Resident bytes when idle after start: calls are bounded above it. */
  baseRss: number;
  call?: Call;
  /** Set when the supervisor killed the process (the exit that follows is expected). */
  killed?: KillReason;
  /** The child said it exits after its answer. */
  retiring?: boolean;
  stderr: () => string;
  stopWatch?: () => void;
}

export function createProcessPool(options: ProcessPoolOptions): ProcessPool {
  const size = Math.max(1, Math.floor(options.size));
  const pollMs = options.pollMs ?? 50;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const codes = { ...DEFAULT_KILL_CODES, fault: 'SANDBOX_FAULT', ...options.codes };
  const strikes = options.strikeBook ?? new StrikeBook({ ...DEFAULT_STRIKES, ...options.strikes });
  const metrics = options.metrics ? sandboxMetrics(options.metrics) : undefined;
  const slots = new Set<Slot>();
  const queue: Call[] = [];
  const kills: Record<KillReason, number> = { cpu: 0, memory: 0, timeout: 0, crashed: 0, cancelled: 0 };
  const readyWaiters: Array<() => void> = [];
  let spawned = 0;
  let failedStarts = 0;
  let nextId = 1;
  let closed = false;

  const readyCount = () => [...slots].filter((s) => s.ready).length;
  const updateGauge = () => metrics?.processes.set({ pool: options.name }, readyCount());

  function spawnOne(): void {
    if (closed) return;
    spawned++;
    const { child, stderr } = forkSandboxChild(options.entry, options.execArgv);
    const slot: Slot = { child, ready: false, baseRss: 0, stderr };
    slots.add(slot);
    const startTimer = setTimeout(() => {
      if (!slot.ready) {
        options.logger?.error(
          { pool: options.name, pid: child.pid },
          'sandbox process did not start in time',
        );
        child.kill('SIGKILL');
      }
    }, startTimeoutMs);
    child.on('message', (message: FromChild) => onMessage(slot, message, startTimer));
    child.once('exit', (code, signal) => onExit(slot, code, signal, startTimer));
    child.once('error', (error) =>
      options.logger?.error({ err: error, pool: options.name }, 'sandbox process error'),
    );
  }

  function onMessage(slot: Slot, message: FromChild, startTimer: NodeJS.Timeout): void {
    if ('ready' in message) {
      clearTimeout(startTimer);
      void residentMemoryBytes(slot.child.pid!).then((rss) => {
        slot.baseRss = rss ?? 0;
        slot.ready = true;
        failedStarts = 0;
        updateGauge();
        if (readyCount() === slots.size) for (const resolve of readyWaiters.splice(0)) resolve();
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
    if (message.retire) slot.retiring = true;
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
      call.reject(new TicklineError(message.error.code, text, { details }));
    }
    if (!slot.retiring) dispatch();
  }

  function onExit(
    slot: Slot,
    code: number | null,
    signal: NodeJS.Signals | null,
    startTimer: NodeJS.Timeout,
  ): void {
    clearTimeout(startTimer);
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
    if (!wasReady && !slot.killed) failedStarts++;
    if (failedStarts >= 3 && readyCount() === 0) {
      // No process can start: callers get an answer instead of waiting behind a broken pool.
      for (const queued of queue.splice(0))
        queued.reject(
          new TicklineError('SANDBOX_UNAVAILABLE', `no ${options.name} sandbox process could start`),
        );
      options.logger?.error(
        { pool: options.name, stderr: slot.stderr().slice(-1_000) },
        'sandbox processes fail to start',
      );
    }
    const delay = restartDelay(failedStarts);
    setTimeout(spawnOne, delay).unref();
  }

  /** Counts a process lost to the call's code against its tenant. */
  function strike(call: Call, reason: KillReason | 'fault'): void {
    const tenant = call.options.tenant;
    if (tenant === undefined) return;
    const suspended = strikes.strike(tenant);
    options.onStrike?.(tenant, reason);
    if (suspended)
      options.logger?.warn({ pool: options.name, tenant }, 'tenant suspended from the sandbox');
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
    delete slot.call;
  }

  /** The supervisor of one call: CPU and memory from /proc, the wall deadline, the caller's cancel. */
  async function watch(slot: Slot, call: Call): Promise<void> {
    const pid = slot.child.pid!;
    const { limits, signal } = call.options;
    const cpuStart = (await processCpuMs(pid)) ?? 0;
    if (slot.call !== call) return;
    const rssLimit = slot.baseRss + limits.memoryMb * MIB;
    let reading = false;
    const poll = setInterval(() => {
      if (reading) return;
      reading = true;
      void Promise.all([processCpuMs(pid), residentMemoryBytes(pid)]).then(([cpu, rss]) => {
        reading = false;
        if (slot.call !== call) return;
        // Memory first: filling memory costs CPU too (page faults), and the memory is the cause.
        if (rss !== undefined && rss > rssLimit) kill(slot, 'memory', { residentMb: Math.round(rss / MIB) });
        else if (cpu !== undefined && cpu - cpuStart > limits.cpuMs)
          kill(slot, 'cpu', { usedCpuMs: cpu - cpuStart });
      });
    }, pollMs);
    const deadline = setTimeout(() => kill(slot, 'timeout'), limits.wallMs);
    const onAbort = () => kill(slot, 'cancelled');
    signal?.addEventListener('abort', onAbort, { once: true });
    slot.stopWatch = () => {
      clearInterval(poll);
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
    };
  }

  function dispatch(): void {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (!slot.ready || slot.call || slot.killed || slot.retiring) continue;
      const call = queue.shift()!;
      if (call.options.signal?.aborted) {
        end(call, 'cancelled');
        continue;
      }
      slot.call = call;
      void watch(slot, call);
      slot.child.send({ id: call.id, method: call.method, payload: call.payload } satisfies ToChild);
    }
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
      if (readyCount() === slots.size) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    stats: () => ({
      size,
      ready: readyCount(),
      busy: [...slots].filter((s) => s.call).length,
      queued: queue.length,
      kills: { ...kills },
      spawned,
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
      slots.clear();
      updateGauge();
      for (const resolve of readyWaiters.splice(0)) resolve();
    },
  };
}
