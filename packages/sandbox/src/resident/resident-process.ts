/**
 * @module One supervised, long-lived sandbox process that keeps state between calls (the isolates
 * of live runs). The pool (pool/process-pool.ts) gives each call a clean process; here calls and
 * notifications share one process for its lifetime, so the supervisor bounds the process as a
 * whole, from outside, by what the kernel reports and by what the child does not say:
 *
 * - resident memory above its idle size, read from `/proc` (memory outside any V8 heap counts);
 * - silence: while it owes an answer the child must answer or say it is alive every `stallMs`
 *   (it does so between pieces of work), so a hang below JavaScript — a host-side conversion that
 *   never returns, a deadlock — ends;
 * - a wall deadline per call, counted from when the call is the one running.
 *
 * The child handles messages strictly in order (serve-resident.ts), so the call at the head of the
 * list is the one running: a kill rejects it with the reason's code and names its tenant, and
 * rejects the calls behind it with SANDBOX_PROCESS_LOST. Every process has a `generation`; state
 * opened in one generation dies with it, and the owner learns of it through `onLoss` and reopens
 * it in the next. A fresh process starts at once after a loss (with backoff when starts fail).
 */
import type { ChildProcess } from 'node:child_process';
import { TicklineError, type Logger, type Registry } from '@tickline/kernel';
import '../errors.ts';
import { forkSandboxChild } from '../pool/fork-child.ts';
import { sandboxMetrics } from '../pool/metrics.ts';
import {
  DEFAULT_KILL_CODES,
  MIB,
  restartDelay,
  type KillReason,
  type PendingCall,
} from '../pool/supervision.ts';
import type { FromChild, ToResident } from '../pool/protocol.ts';
import { START_CPU_MS, startDeadline, type StartDeadline } from '../pool/start-deadline.ts';
import { ProcessRss } from './process-rss.ts';

export interface ResidentProcessOptions {
  /** Label in metrics (`pool`) and logs. */
  name: string;
  /** The child's entry module; it calls `serveResidentProcess`. */
  entry: URL;
  execArgv?: readonly string[];
  /** Scheduling niceness of the process (see fork-child.ts). @default 10 */
  nice?: number;
  logger?: Logger;
  metrics?: Registry;
  /** Resident memory the process may hold above its idle size. */
  memoryMb: number;
  /** Longest silence while an answer is owed. */
  stallMs: number;
  /** How often memory and silence are checked while busy. @default 50 */
  pollMs?: number;
  /** How often memory is read while idle. @default 1000 */
  idlePollMs?: number;
  /**
   * A child that spent this much CPU without being ready (or ten times as long in wall time) is
   * killed and started again; see start-deadline.ts. @default 30_000
   */
  startTimeoutMs?: number;
  /** The code a running call is rejected with, per reason. Defaults: SANDBOX_*. */
  codes?: Partial<Record<KillReason, string>>;
}

export interface ResidentCallOptions {
  /** Wall deadline of the call, counted from when it is the one running. */
  wallMs: number;
  /**
   * The process generation the call's state lives in: once that process is gone the call is
   * refused with SANDBOX_PROCESS_LOST instead of reaching a process that never heard of it.
   */
  generation?: number;
  /** Whose code the call runs: a kill while it runs names this tenant. */
  tenant?: string;
  /** Parts of the answer the child sends ahead of it (`ResidentContext.progress`), in order. */
  onProgress?: (...args: unknown[]) => void;
}

/** A process that ended, and what it was doing. */
export interface ResidentLoss {
  /** The generation that ended: state opened in it is gone. */
  generation: number;
  reason: KillReason;
  /** The call that was running when it ended. */
  culprit?: { method: string; tenant?: string };
}

export interface ResidentProcessStats {
  generation: number;
  ready: boolean;
  pid?: number;
  inflight: number;
  kills: Record<KillReason, number>;
  residentMb?: number;
}

export interface ResidentProcess {
  /** The generation of the current (or starting) process. */
  readonly generation: number;
  /** Sends a call; it waits for a ready process when none is (unless bound to a generation). */
  call<R>(method: string, payload: unknown, options: ResidentCallOptions): Promise<R>;
  /** Sends a notification to `generation`'s process, in order with calls; dropped when it is gone. */
  notify(method: string, payload: unknown, generation: number): void;
  onLoss(listener: (loss: ResidentLoss) => void): () => void;
  /**
   * Starts the process if it is not running; resolves when it is ready.
   * @throws TicklineError SANDBOX_UNAVAILABLE when three starts in a row failed, or it is closed.
   */
  ready(): Promise<void>;
  stats(): ResidentProcessStats;
  close(): Promise<void>;
}

type Call = PendingCall<ResidentCallOptions>;

interface Current {
  child: ChildProcess;
  stderr: () => string;
  generation: number;
  ready: boolean;
  baseRss: number;
  killed?: KillReason;
  /** The call whose fault makes the process leave (it answered SANDBOX_CRASHED). */
  faulted?: NonNullable<ResidentLoss['culprit']>;
  /** Sent, in order; the head is running. */
  inflight: Call[];
  headSince: number;
  lastHeard: number;
  rss?: number;
  /** Reads its resident memory (opened once it is ready). */
  memory?: ProcessRss;
}

const culpritOf = (call: Call): NonNullable<ResidentLoss['culprit']> => ({
  method: call.method,
  ...(call.options.tenant === undefined ? {} : { tenant: call.options.tenant }),
});

const lost = (generation: number) =>
  new TicklineError('SANDBOX_PROCESS_LOST', 'the sandbox process holding this state was replaced', {
    details: { generation },
  });

export function createResidentProcess(options: ResidentProcessOptions): ResidentProcess {
  const pollMs = options.pollMs ?? 50;
  const idleEvery = Math.max(1, Math.round((options.idlePollMs ?? 1_000) / pollMs));
  const codes = { ...DEFAULT_KILL_CODES, ...options.codes };
  const metrics = options.metrics ? sandboxMetrics(options.metrics) : undefined;
  const kills: Record<KillReason, number> = { cpu: 0, memory: 0, timeout: 0, crashed: 0, cancelled: 0 };
  const listeners = new Set<(loss: ResidentLoss) => void>();
  /** Calls waiting for a ready process. */
  const waiting: Call[] = [];
  /** Callers of ready() waiting for a process; they need one as much as a waiting call does. */
  const readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  let current: Current | undefined;
  let generation = 0;
  let failedStarts = 0;
  let nextId = 1;
  let closed = false;
  let ticks = 0;
  let poll: NodeJS.Timeout | undefined;

  function start(): void {
    if (closed || current) return;
    generation++;
    const { child, stderr } = forkSandboxChild(options.entry, options.execArgv, options.nice);
    const proc: Current = {
      child,
      stderr,
      generation,
      ready: false,
      baseRss: 0,
      inflight: [],
      headSince: 0,
      lastHeard: 0,
    };
    current = proc;
    const startTimer = startDeadline(child.pid, options.startTimeoutMs ?? START_CPU_MS, (reason) => {
      if (proc.ready) return;
      options.logger?.error(
        { pool: options.name, pid: child.pid, reason },
        'resident sandbox process did not start',
      );
      child.kill('SIGKILL');
    });
    child.on('message', (message: FromChild) => onMessage(proc, message, startTimer));
    child.once('exit', (code, signal) => onExit(proc, code, signal, startTimer));
    // Every time, not once: a second error (a write to a child that just died) with no listener
    // left was thrown as an uncaught exception and stopped the whole server.
    child.on('error', (error) =>
      options.logger?.error({ err: error, pool: options.name }, 'resident sandbox process error'),
    );
    poll ??= setInterval(check, pollMs);
    poll.unref();
  }

  function onMessage(proc: Current, message: FromChild, startTimer: StartDeadline): void {
    const now = performance.now();
    proc.lastHeard = now;
    if ('ready' in message) {
      startTimer.clear();
      // Deferred a turn, as the read it replaced was: calls sent meanwhile wait for `ready`.
      void Promise.resolve().then(() => {
        if (current !== proc) return;
        proc.memory = new ProcessRss(proc.child.pid!);
        proc.baseRss = proc.memory.read() ?? 0;
        proc.ready = true;
        failedStarts = 0;
        metrics?.processes.inc({ pool: options.name });
        for (const call of waiting.splice(0)) {
          const gen = call.options.generation;
          if (gen === undefined || gen === proc.generation) send(proc, call);
          else call.reject(lost(gen));
        }
        for (const waiter of readyWaiters.splice(0)) waiter.resolve();
      });
      return;
    }
    if ('alive' in message) return;
    if ('progress' in message) {
      const call = proc.inflight.find((c) => c.id === message.id);
      try {
        call?.options.onProgress?.(...message.progress);
      } catch (error) {
        // The caller's fault must not stop the supervisor from reading the child's next messages.
        options.logger?.error({ err: error, pool: options.name }, 'a sandbox progress listener failed');
      }
      return;
    }
    const index = proc.inflight.findIndex((c) => c.id === message.id);
    if (index < 0) return;
    const [call] = proc.inflight.splice(index, 1);
    if (index === 0) proc.headSince = now;
    // A fault (not a coded answer): the child leaves after this answer, and the calls behind it
    // are lost with it. The faulting call is the culprit of that loss.
    if (!message.ok && message.error.code === 'SANDBOX_CRASHED') proc.faulted = culpritOf(call!);
    if (message.ok) {
      metrics?.calls.inc({ pool: options.name, outcome: 'ok' });
      call!.resolve(message.result);
    } else {
      metrics?.calls.inc({ pool: options.name, outcome: 'error' });
      call!.reject(
        new TicklineError(message.error.code, message.error.message, {
          details: message.error.details ?? {},
        }),
      );
    }
  }

  function send(proc: Current, call: Call): void {
    if (proc.inflight.length === 0) proc.headSince = performance.now();
    proc.inflight.push(call);
    post(proc, { id: call.id, method: call.method, payload: call.payload });
  }

  /**
   * Sends to the child. A child that died a moment ago (its exit not handled yet) cannot take it:
   * the write fails with EPIPE, which is no error of the caller's — the exit that follows ends its
   * calls as a loss. A callback keeps that failure off the child's `error` event.
   */
  function post(proc: Current, message: ToResident): void {
    if (!proc.child.connected) return;
    proc.child.send(message, (error: Error | null) => {
      if (error !== null)
        options.logger?.warn({ err: error, pool: options.name }, 'resident sandbox process unreachable');
    });
  }

  /** Ends the process for `reason`: its running call gets the reason's code, the rest are lost. */
  function end(proc: Current, reason: KillReason, details: Record<string, unknown> = {}): void {
    if (proc.killed) return;
    proc.killed = reason;
    kills[reason]++;
    metrics?.kills.inc({ pool: options.name, reason });
    if (proc.ready) metrics?.processes.dec({ pool: options.name });
    proc.child.kill('SIGKILL');
    const [head, ...rest] = proc.inflight.splice(0);
    const culprit = proc.faulted ?? (head === undefined ? undefined : culpritOf(head));
    const loss: ResidentLoss = {
      generation: proc.generation,
      reason,
      ...(culprit === undefined ? {} : { culprit }),
    };
    for (const listener of listeners) {
      try {
        listener(loss);
      } catch (error) {
        // A listener's fault must not stop the supervisor from failing the calls and restarting.
        options.logger?.error({ err: error, pool: options.name }, 'a sandbox loss listener failed');
      }
    }
    if (head && proc.faulted) rest.unshift(head);
    else if (head) {
      metrics?.calls.inc({ pool: options.name, outcome: 'killed' });
      const message: Record<KillReason, string> = {
        cpu: 'the code used more CPU time than allowed; its process was stopped',
        memory: `the process held more than ${options.memoryMb} MB above its idle size; it was stopped`,
        timeout: 'the code did not finish in time; its process was stopped',
        crashed: 'the process running the code exited before it answered',
        cancelled: 'the call was cancelled',
      };
      head.reject(new TicklineError(codes[reason], message[reason], { details: { reason, ...details } }));
    }
    for (const call of rest) call.reject(lost(proc.generation));
  }

  function onExit(
    proc: Current,
    code: number | null,
    signal: NodeJS.Signals | null,
    startTimer: StartDeadline,
  ): void {
    startTimer.clear();
    proc.memory?.close();
    const wasReady = proc.ready;
    if (!proc.killed && !closed) {
      options.logger?.warn(
        { pool: options.name, pid: proc.child.pid, code, signal, stderr: proc.stderr().slice(-1_000) },
        'resident sandbox process exited',
      );
      end(proc, 'crashed', { exitCode: code, signal });
    }
    if (current === proc) current = undefined;
    if (closed) return;
    if (!wasReady && proc.killed !== 'memory' && proc.killed !== 'timeout') failedStarts++;
    if (failedStarts >= 3) {
      const cannot = () =>
        new TicklineError('SANDBOX_UNAVAILABLE', `the ${options.name} sandbox process cannot start`);
      for (const call of waiting.splice(0)) call.reject(cannot());
      for (const waiter of readyWaiters.splice(0)) waiter.reject(cannot());
    }
    const delay = restartDelay(failedStarts);
    // Only restart when someone needs the process: a call or a ready() waits, or state lived in
    // the last one. (A ready() waiter left out here waited forever once a start timed out.)
    setTimeout(() => {
      if (!current && (waiting.length > 0 || readyWaiters.length > 0 || wasReady)) start();
    }, delay).unref();
  }

  /** The supervisor's beat: silence and deadline of the running call, and resident memory. */
  function check(): void {
    const proc = current;
    if (!proc || !proc.ready || proc.killed) return;
    const now = performance.now();
    const head = proc.inflight[0];
    if (head) {
      if (now - proc.lastHeard > options.stallMs && now - proc.headSince > options.stallMs)
        return end(proc, 'timeout', { silentMs: Math.round(now - proc.lastHeard) });
      if (now - proc.headSince > head.options.wallMs)
        return end(proc, 'timeout', { wallMs: head.options.wallMs });
    }
    if (head === undefined && ++ticks % idleEvery !== 0) return;
    const rss = proc.memory?.read();
    if (rss === undefined) return;
    proc.rss = rss;
    if (rss > proc.baseRss + options.memoryMb * MIB)
      end(proc, 'memory', { residentMb: Math.round(rss / MIB), limitMb: options.memoryMb });
  }

  return {
    get generation() {
      return generation;
    },
    call<R>(method: string, payload: unknown, callOptions: ResidentCallOptions): Promise<R> {
      if (closed)
        return Promise.reject(new TicklineError('SANDBOX_UNAVAILABLE', 'the sandbox process is stopped'));
      const gen = callOptions.generation;
      if (gen !== undefined && (gen !== current?.generation || current.killed || current.faulted))
        return Promise.reject(lost(gen));
      return new Promise<R>((resolve, reject) => {
        const call: Call = {
          id: nextId++,
          method,
          payload,
          options: callOptions,
          resolve: resolve as (value: unknown) => void,
          reject,
        };
        if (current?.ready && !current.killed) send(current, call);
        else {
          waiting.push(call);
          start();
        }
      });
    },
    notify(method: string, payload: unknown, gen: number): void {
      const proc = current;
      if (!proc || proc.generation !== gen || !proc.ready || proc.killed) return;
      post(proc, { method, payload });
    },
    onLoss(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready() {
      if (current?.ready) return Promise.resolve();
      if (closed)
        return Promise.reject(new TicklineError('SANDBOX_UNAVAILABLE', 'the sandbox process is stopped'));
      start();
      return new Promise((resolve, reject) => readyWaiters.push({ resolve, reject }));
    },
    stats: () => ({
      generation,
      ready: current?.ready ?? false,
      ...(current?.child.pid === undefined ? {} : { pid: current.child.pid }),
      inflight: current?.inflight.length ?? 0,
      kills: { ...kills },
      ...(current?.rss === undefined ? {} : { residentMb: Math.round(current.rss / MIB) }),
    }),
    async close() {
      closed = true;
      if (poll) clearInterval(poll);
      for (const call of waiting.splice(0))
        call.reject(new TicklineError('SANDBOX_UNAVAILABLE', 'the sandbox process is stopped'));
      for (const waiter of readyWaiters.splice(0)) waiter.resolve();
      const proc = current;
      if (!proc) return;
      for (const call of proc.inflight.splice(0))
        call.reject(new TicklineError('SANDBOX_UNAVAILABLE', 'the sandbox process is stopped'));
      if (proc.ready && !proc.killed) metrics?.processes.dec({ pool: options.name });
      proc.killed ??= 'cancelled';
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.child.once('exit', () => resolve());
        proc.child.kill('SIGKILL');
      });
    },
  };
}
