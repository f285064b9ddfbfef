/**
 * @module The child side of a sandbox process: answers one call at a time with the handlers it is
 * given. A handler's coded error (a code a loaded package declared) goes back as it is; anything
 * else — Node's own coded errors included — is a fault of the process, which answers and then
 * exits, so that a broken process (a trapped WebAssembly instance, a corrupted heap) never serves
 * another call — the supervisor starts a fresh one.
 */
import { isDeclaredError } from '../errors.ts';
import { applyData, settleData } from './child-data.ts';
import { FAULT_MESSAGE, type FromChild, type ToChild, type WireError } from './protocol.ts';

/** Bounds an error message before it crosses to the host (a hostile message can be megabytes). */
const MAX_MESSAGE = 2_048;
/** Bounds a fault's text (message and stack) for the host's log. */
const MAX_FAULT = 64 * 1024;

export interface CallContext {
  /** Reports progress to the caller; never blocks the call. */
  progress(...args: unknown[]): void;
  /** This process must not serve another call (its state may be broken): it exits after answering. */
  retire(): void;
  /**
   * Content the host sent or kept for this call (`CallOptions.data`), by key: a view on memory this
   * process keeps between calls (a SharedArrayBuffer), valid until the call ends. Throws for a key
   * the call was not given.
   */
  data(key: string): Uint8Array;
}

export type Handlers = Record<string, (payload: never, context: CallContext) => Promise<unknown>>;

/**
 * A thrown value as it crosses to the host from a resident process: a declared error as it is (its
 * message bounded), anything else as SANDBOX_CRASHED — a fault of the process, not an answer.
 */
export function toWireError(error: unknown): WireError {
  if (isDeclaredError(error)) {
    const wire = { code: error.code, message: error.message.slice(0, MAX_MESSAGE) };
    return error.details === undefined ? wire : { ...wire, details: error.details };
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'SANDBOX_CRASHED', message: text.slice(0, MAX_MESSAGE) };
}

function send(message: FromChild, then?: () => void): void {
  process.send!(message, undefined, {}, () => then?.());
}

/** Answers, then leaves when the call asked to (the parent sees the exit and starts a fresh process). */
function answer(message: FromChild, retire: boolean): void {
  send(retire ? { ...message, retire: true } : message, retire ? () => process.exit(0) : undefined);
}

/**
 * Serves calls once `init` has run (the work that must happen before any user input: building
 * bundles, warming caches). Call from the child's entry module.
 */
export async function serveSandboxProcess(
  handlers: Handlers,
  init?: () => Promise<void> | void,
): Promise<void> {
  if (!process.send) throw new Error('a sandbox process must be started by the pool (no IPC channel)');
  // The parent gone means nobody will read our answers: leave at once.
  process.on('disconnect', () => process.exit(0));
  await init?.();
  process.on('message', (message: ToChild) => {
    void (async () => {
      const handler = Object.hasOwn(handlers, message.method) ? handlers[message.method] : undefined;
      let retire = false;
      try {
        if (!handler) throw new Error(`unknown sandbox method ${message.method}`);
        const data = message.data === undefined ? new Map<string, Uint8Array>() : applyData(message.data);
        let result: unknown;
        try {
          result = await handler(message.payload as never, {
            progress: (...args) => send({ id: message.id, progress: args }),
            retire: () => (retire = true),
            data: (key) => {
              const view = data.get(key);
              if (view === undefined) throw new Error(`this call was given no content ${key}`);
              return view;
            },
          });
        } finally {
          if (message.data !== undefined) settleData(message.data);
        }
        answer({ id: message.id, ok: true, result }, retire);
      } catch (error) {
        if (isDeclaredError(error)) {
          const wire = { code: error.code, message: error.message.slice(0, MAX_MESSAGE) };
          answer(
            {
              id: message.id,
              ok: false,
              error: error.details === undefined ? wire : { ...wire, details: error.details },
            },
            retire,
          );
          return;
        }
        // A fault of the process, not of the code it ran: the host logs it in full and tells the
        // caller only that it happened (its text may hold internals).
        const text =
          error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
        answer(
          {
            id: message.id,
            ok: false,
            error: { code: 'SANDBOX_FAULT', message: FAULT_MESSAGE },
            fault: text.slice(0, MAX_FAULT),
          },
          true,
        );
      }
    })();
  });
  send({ ready: true });
}
