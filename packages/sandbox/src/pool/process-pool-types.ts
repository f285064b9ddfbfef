/** @module The public types of the process pool (options, limits, stats), apart so the supervisor in process-pool.ts stays readable. */
import type { Logger, Registry } from '@tickline/kernel';
import type { KillReason } from './supervision.ts';
import type { CallData } from './data-cache.ts';
import type { StrikeBook, StrikePolicy } from './strikes.ts';

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
  /**
   * Content the call reads (`CallContext.data` in the process), named by a hash of it. A process
   * that holds it already gets only its name, and the call goes to such a process when one is free.
   */
  data?: readonly CallData[];
  /**
   * Codes of answers that count against the tenant as a kill does, though the process lived: a
   * refusal the code earned on purpose (a busy loop the isolate's CPU watchdog stopped) is then no
   * free way to hold a process for its whole budget again and again.
   */
  strikeCodes?: readonly string[];
}

export interface ProcessPoolOptions {
  /** Label of the pool in metrics and logs (`backtest`, `compile`). */
  name: string;
  /** The child's entry module; it calls `serveSandboxProcess`. */
  entry: URL;
  /** Processes kept running. */
  size: number;
  /**
   * Node flags of the children. @default ['--no-node-snapshot', '--expose-gc'] (isolated-vm needs
   * the first; the second lets a process free content it was told to drop at once)
   */
  execArgv?: string[];
  /**
   * Bytes of call content (`CallOptions.data`) each process keeps between calls, counted in its
   * memory allowance (data-cache.ts). @default 0 (content is freed after each call)
   */
  dataCacheBytes?: number;
  logger?: Logger;
  metrics?: Registry;
  strikes?: Partial<StrikePolicy>;
  /** How often CPU and memory are read. @default 50 */
  pollMs?: number;
  /**
   * A child that spent this much CPU without being ready (or ten times as long in wall time) is
   * killed and started again; see start-deadline.ts. @default 30_000
   */
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
  /** Call content sent to processes (pieces, bytes), and pieces a process held already. */
  data: { sent: number; sentBytes: number; held: number };
  /** Why the last start failed, while no process is ready (none could start since). */
  startError?: string;
}

export interface ProcessPool {
  /** Runs `method` in a process of the pool; rejects with a coded TicklineError. */
  call<R>(method: string, payload: unknown, options: CallOptions): Promise<R>;
  /**
   * Resolves once every process is ready (or failed to start once, with at least one ready);
   * rejects SANDBOX_UNAVAILABLE when every process failed to start once and none is ready.
   */
  ready(): Promise<void>;
  stats(): ProcessPoolStats;
  /** Kills every process and rejects what is queued or running. */
  close(): Promise<void>;
}
