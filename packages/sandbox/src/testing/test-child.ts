/**
 * @module A sandbox process for the pool's contract tests: each method misbehaves in one way a
 * hostile strategy can (or answers normally), so the supervisor's every limit can be shown.
 */
import { readFileSync } from 'node:fs';
import { TicklineError } from '@tickline/kernel';
import { serveSandboxProcess } from '../pool/serve.ts';
import './test-codes.ts';

const held: unknown[] = [];
/** The id of the call being served, for `forge` (handlers are not told it). */
let current = 0;
process.on('message', (message: { id?: number }) => (current = message.id ?? current));

await serveSandboxProcess({
  echo: async (payload: unknown) => payload,
  progress: async (n: number, context) => {
    for (let i = 1; i <= n; i++) context.progress(i, n);
    return n;
  },
  /** A synchronous loop: the event loop never turns, so nothing inside could stop it. */
  spin: async () => {
    for (;;);
  },
  /** Memory outside any V8 heap limit (as Intl objects and native buffers are). */
  hoard: async () => {
    for (;;) {
      held.push(Buffer.alloc(16 * 1024 * 1024, 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
  },
  /** Never answers, never uses CPU: only the wall deadline ends it. */
  hang: () => new Promise(() => {}),
  exit: async () => process.exit(3),
  coded: async () => {
    throw new TicklineError('SANDBOX_TEST_ERROR', 'a coded error', { details: { n: 1 } });
  },
  fault: async () => {
    throw new RangeError('broken inside');
  },
  /** Node's own coded error (ENOENT, with a path in its message): a fault too, not the caller's to read. */
  nodeError: async () => readFileSync('/nonexistent/secret/path'),
  /** An answer written past serve's own bounds, as a child whose isolate escaped could. */
  forge: () => {
    process.send!({
      id: current,
      ok: false,
      error: {
        code: 'SANDBOX_TEST_ERROR',
        message: 'm'.repeat(10 * 1024 * 1024),
        details: { big: 'd'.repeat(100_000) },
      },
    });
    return new Promise(() => {});
  },
  retire: async (_: unknown, context) => {
    context.retire();
    return process.pid;
  },
  /** Says it exits after its answer, then does not (as a process.exit that deadlocks would). */
  retireButStay: async (_: unknown, context) => {
    context.retire();
    process.exit = (() => undefined) as never;
    return process.pid;
  },
  pid: async () => process.pid,
  /** Per key given: the sum of its bytes, and whether anything past them in its buffer is not zero. */
  read: async (keys: string[], context) =>
    keys.map((key) => {
      const view = context.data(key);
      let sum = 0;
      for (const b of view) sum += b;
      const past = new Uint8Array(view.buffer, view.byteOffset + view.byteLength);
      return { sum, shared: view.buffer instanceof SharedArrayBuffer, stale: past.some((b) => b !== 0) };
    }),
  /** Whether content named by `key` can be reached by a call that was not given it. */
  reach: async (key: string, context) => {
    try {
      context.data(key);
      return 'reached';
    } catch {
      return 'refused';
    }
  },
  /** Content, then memory outside any heap until the supervisor ends it. */
  readThenHoard: async (key: string, context) => {
    context.data(key);
    for (;;) {
      held.push(Buffer.alloc(16 * 1024 * 1024, 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
  },
  typed: async (input: Float64Array) => input.map((v) => v * 2),
});
