/**
 * @module Process signals and crashes: SIGTERM/SIGINT drain (drain.ts), then stop in reverse order within the
 * shutdown deadline and exit 0; a second signal exits at once; an uncaught exception or unhandled
 * rejection is logged as fatal, marks the process failed, stops gracefully and exits non-zero.
 */
import type { Logger } from '@tickline/kernel';
import { ExitCode } from '@tickline/cli';

// Past the services' own deadline, a little time for logs to flush before the process is cut.
const HARD_EXIT_GRACE_MS = 2_000;
const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/** What the handlers act on. */
export interface ProcessHandlerOptions {
  logger: Logger;
  /** Stops every service (idempotent). */
  stop: () => Promise<void>;
  /** Runs before `stop` on a signal (the drain, see drain.ts); its time is not the stop's. */
  drain?: () => Promise<void>;
  markFailed: (error: unknown) => void;
  shutdownTimeoutMs: number;
  /** @default process.exit */
  exit?: (code: number) => void;
  /** @default process */
  target?: NodeJS.EventEmitter;
}

/** Installs the handlers; returns a function that removes them. */
export function installProcessHandlers(options: ProcessHandlerOptions): () => void {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  let shuttingDown = false;
  let exitCode: ExitCode = ExitCode.Ok;

  const shutdown = (drain: boolean): void => {
    shuttingDown = true;
    const drained = drain ? options.drain?.() : undefined;
    // Without a drain the stop begins in this very call (nothing may run in between).
    if (drained) void drained.then(stop, stop);
    else stop();
  };

  const stop = (): void => {
    const hardExit = setTimeout(() => {
      logger.error({ timeoutMs: options.shutdownTimeoutMs }, 'shutdown overran its deadline; exiting');
      exit(ExitCode.Failure);
    }, options.shutdownTimeoutMs + HARD_EXIT_GRACE_MS);
    hardExit.unref();
    options.stop().then(
      () => {
        clearTimeout(hardExit);
        logger.info({ exitCode }, 'stopped');
        exit(exitCode);
      },
      (error: unknown) => {
        clearTimeout(hardExit);
        logger.error({ err: error }, 'shutdown failed');
        exit(ExitCode.Failure);
      },
    );
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      exit(128 + (SIGNAL_NUMBERS[signal] ?? 1));
      return;
    }
    logger.info(
      { signal, timeoutMs: options.shutdownTimeoutMs },
      'shutting down: draining and stopping services',
    );
    shutdown(true);
  };

  const onCrash = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    logger.fatal({ err: error, kind, shuttingDown }, `${kind}: stopping`);
    options.markFailed(error);
    exitCode = ExitCode.Failure;
    if (!shuttingDown) shutdown(false);
  };

  const handlers: Array<[string, (...args: any[]) => void]> = [
    ['SIGTERM', onSignal],
    ['SIGINT', onSignal],
    ['uncaughtException', onCrash('uncaughtException')],
    ['unhandledRejection', onCrash('unhandledRejection')],
  ];
  for (const [event, handler] of handlers) target.on(event, handler);
  return () => {
    for (const [event, handler] of handlers) target.off(event, handler);
  };
}
