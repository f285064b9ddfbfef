/**
 * @module The child side of a resident sandbox process: messages are handled strictly one after
 * another, in the order they were sent — a notification (a fill booked into a run) sent before a
 * call (the next candle) is applied before it. The supervisor relies on that order: the call at
 * the head of its list is the one running, so a kill names the call that caused it.
 *
 * A long call says it is alive (`context.alive()`, at most every `ALIVE_EVERY_MS`) between pieces
 * of its work; the supervisor kills a process that is silent for too long while it owes an answer,
 * which is how a conversion that never returns, or any hang below JavaScript, is ended.
 */
import { isDeclaredError } from '../errors.ts';
import type { FromChild, ToResident } from '../pool/protocol.ts';
import { toWireError } from '../pool/serve.ts';

/** Least time between two alive messages. */
const ALIVE_EVERY_MS = 100;

export interface ResidentContext {
  /** Tells the supervisor the call is still progressing (cheap: sends at most every 100 ms). */
  alive(): void;
  /**
   * Sends part of the call's answer ahead of it (the caller's `onProgress` gets `args`); counts as
   * a sign of life. A call that streams its results lets the caller act on the first while the
   * rest are computed.
   */
  progress(...args: unknown[]): void;
}

export type ResidentHandlers = Record<string, (payload: never, context: ResidentContext) => unknown>;

function send(message: FromChild): void {
  process.send!(message);
}

/** Serves calls and notifications in order, once `init` has run. Call from the child's entry module. */
export async function serveResidentProcess(
  handlers: ResidentHandlers,
  init?: () => Promise<void> | void,
): Promise<void> {
  if (!process.send) throw new Error('a resident sandbox process must be started by its supervisor');
  process.on('disconnect', () => process.exit(0));
  await init?.();
  let lastSent = performance.now();
  /** The call being handled (progress belongs to it); undefined for a notification. */
  let running: number | undefined;
  const context: ResidentContext = {
    alive() {
      const now = performance.now();
      if (now - lastSent < ALIVE_EVERY_MS) return;
      lastSent = now;
      send({ alive: true });
    },
    progress(...args) {
      if (running === undefined) return;
      lastSent = performance.now();
      send({ id: running, progress: args });
    },
  };
  const queue: ToResident[] = [];
  let busy = false;
  async function drain(): Promise<void> {
    busy = true;
    while (queue.length > 0) {
      const message = queue.shift()!;
      const handler = Object.hasOwn(handlers, message.method) ? handlers[message.method] : undefined;
      const id = 'id' in message ? message.id : undefined;
      running = id;
      try {
        if (!handler) throw new Error(`unknown sandbox method ${message.method}`);
        const result = await handler(message.payload as never, context);
        if (id !== undefined) send({ id, ok: true, result });
      } catch (error) {
        if (isDeclaredError(error)) {
          if (id !== undefined) send({ id, ok: false, error: toWireError(error) });
        } else {
          // A fault that is not a coded answer may have broken this process's state: it leaves,
          // and the supervisor starts a fresh one (the runs it held are reopened there).
          process.stderr.write(`resident sandbox fault in ${message.method}: ${String(error)}\n`);
          const leave = () => process.exit(70);
          if (id === undefined) leave();
          else process.send!({ id, ok: false, error: toWireError(error) }, undefined, {}, leave);
          return;
        }
      }
      lastSent = performance.now();
    }
    busy = false;
  }
  process.on('message', (message: ToResident) => {
    queue.push(message);
    if (!busy) void drain();
  });
  send({ ready: true });
}
