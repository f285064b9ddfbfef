/**
 * @module Untrusted strategy code execution. This package is the one place that measures and
 * bounds sandboxed work; strategy depends on it, never the other way round.
 */
// The thread CPU clock lives in the kernel (the game's rules rooms read it too).
export { threadCpuMicros } from '@tickline/kernel';
export { residentMemoryBytes } from './resident-memory.ts';
export { isDeclaredError, SandboxErrorCodes, type SandboxErrorCode } from './errors.ts';
export {
  createProcessPool,
  type CallLimits,
  type CallOptions,
  type KillReason,
  type ProcessPool,
  type ProcessPoolOptions,
  type ProcessPoolStats,
} from './pool/process-pool.ts';
export { serveSandboxProcess, type CallContext, type Handlers } from './pool/serve.ts';
export type { CallData } from './pool/data-cache.ts';
export { transferDirectory } from './pool/data-files.ts';
export { processCpuMs, threadCpuMs } from './pool/proc-stat.ts';
export { DEFAULT_STRIKES, StrikeBook, type StrikePolicy } from './pool/strikes.ts';
export {
  createResidentProcess,
  type ResidentCallOptions,
  type ResidentLoss,
  type ResidentProcess,
  type ResidentProcessOptions,
  type ResidentProcessStats,
} from './resident/resident-process.ts';
export {
  serveResidentProcess,
  type ResidentContext,
  type ResidentHandlers,
} from './resident/serve-resident.ts';
