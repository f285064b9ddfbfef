/**
 * @module Untrusted strategy code execution. This package is the one place that measures and
 * bounds sandboxed work; strategy depends on it, never the other way round.
 */
export { threadCpuMicros } from './thread-cpu.ts';
export { residentMemoryBytes } from './resident-memory.ts';
