/**
 * @module A resident sandbox process for the supervisor's contract tests: it keeps a counter across
 * calls (state that dies with the process), and each method misbehaves in one way hostile code can.
 */
import { closeSync } from 'node:fs';
import { TicklineError } from '@tickline/kernel';
import { serveResidentProcess } from '../resident/serve-resident.ts';
import './test-codes.ts';

let counter = 0;
const held: Buffer[] = [];

await serveResidentProcess({
  add: (n: number) => (counter += n),
  /** A notification: applied in order with calls. */
  bump: () => void counter++,
  get: () => counter,
  /** A notification: closes this end of the channel and lives on (the parent's writes fail). */
  deafen: () => closeSync(Number(process.env.NODE_CHANNEL_FD)),
  pid: () => process.pid,
  /** Works for `ms`, saying it is alive: a long call that is not hung. */
  work: (ms: number, context) => {
    const end = performance.now() + ms;
    while (performance.now() < end) context.alive();
    return 'done';
  },
  /** Sends `n` parts of its answer ahead of it, then the count: a streamed answer. */
  stream: (n: number, context) => {
    for (let i = 0; i < n; i++) context.progress(i, counter);
    return n;
  },
  /** A synchronous loop that never says it is alive: a hang. */
  spin: () => {
    for (;;);
  },
  /** Memory outside any V8 heap. */
  hoard: async (_: unknown, context) => {
    for (;;) {
      held.push(Buffer.alloc(16 * 1024 * 1024, 1));
      context.alive();
      await new Promise((resolve) => setImmediate(resolve));
    }
  },
  coded: () => {
    throw new TicklineError('SANDBOX_TEST_ERROR', 'a coded error', { details: { n: 1 } });
  },
  fault: () => {
    throw new RangeError('broken inside');
  },
});
