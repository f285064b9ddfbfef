/** @module The service host: starts services in order, stops them in reverse within a deadline. */
import { TicklineError } from '../errors/index.ts';
import type { Logger } from '../logging/logger.ts';
import { ServiceStatus, type Service, type ServiceHealth } from './service.ts';

/** Options for {@link ServiceHost}. */
export interface ServiceHostOptions {
  logger: Logger;
  /** Total time allowed for stopping every service. @default 10_000 */
  shutdownTimeoutMs?: number;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

interface Entry {
  service: Service;
  started: boolean;
  failure?: unknown;
}

/** Owns the services of one process. */
export class ServiceHost {
  readonly #entries: Entry[] = [];
  readonly #logger: Logger;
  readonly #shutdownTimeoutMs: number;
  #stopping: Promise<void> | undefined;

  constructor(options: ServiceHostOptions) {
    this.#logger = options.logger;
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  }

  /** Adds a service; services start in the order added. */
  add<T extends Service>(service: T): T {
    this.#entries.push({ service, started: false });
    return service;
  }

  /** Starts every service in order; on a failure, stops what started and rethrows. */
  async start(): Promise<void> {
    for (const entry of this.#entries) {
      const logger = this.#logger.child({ service: entry.service.name });
      try {
        await entry.service.start({ logger, fail: (error) => this.#recordFailure(entry, logger, error) });
        entry.started = true;
        logger.debug('service started');
      } catch (cause) {
        entry.failure = cause;
        logger.error({ err: cause }, 'service failed to start');
        await this.stop();
        throw new TicklineError('KERNEL_SERVICE_FAILED', `service "${entry.service.name}" failed to start`, {
          cause,
          details: { service: entry.service.name },
        });
      }
    }
  }

  /**
   * Adds `service` and starts it now, for start-ups that build each step from what the previous
   * one started. On a failure the service is marked failed and the error rethrown as
   * KERNEL_SERVICE_FAILED; stopping what started before is the caller's decision.
   */
  async startService<T extends Service>(service: T): Promise<T> {
    const entry: Entry = { service, started: false };
    this.#entries.push(entry);
    const logger = this.#logger.child({ service: service.name });
    try {
      await service.start({ logger, fail: (error) => this.#recordFailure(entry, logger, error) });
      entry.started = true;
      logger.debug('service started');
      return service;
    } catch (cause) {
      entry.failure = cause;
      logger.error({ err: cause }, 'service failed to start');
      throw new TicklineError('KERNEL_SERVICE_FAILED', `service "${service.name}" failed to start`, {
        cause,
        details: { service: service.name },
      });
    }
  }

  /** Stops started services in reverse order. Idempotent; concurrent callers share one stop. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  /** Health of every service, by name. */
  health(): Record<string, ServiceHealth> {
    const out: Record<string, ServiceHealth> = {};
    for (const entry of this.#entries) {
      out[entry.service.name] =
        entry.failure !== undefined
          ? { status: ServiceStatus.Failed, detail: describe(entry.failure) }
          : entry.service.health();
    }
    return out;
  }

  #recordFailure(entry: Entry, logger: Logger, error: unknown): void {
    entry.failure = error;
    logger.error({ err: error }, 'service failed');
  }

  async #stopAll(): Promise<void> {
    const deadline = Date.now() + this.#shutdownTimeoutMs;
    for (const entry of [...this.#entries].reverse()) {
      if (!entry.started && entry.failure === undefined) continue;
      const remaining = Math.max(0, deadline - Date.now());
      const logger = this.#logger.child({ service: entry.service.name });
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          entry.service.stop(),
          new Promise((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new TicklineError(
                    'KERNEL_SHUTDOWN_TIMEOUT',
                    `service "${entry.service.name}" did not stop in time`,
                  ),
                ),
              remaining,
            );
          }),
        ]);
        logger.debug('service stopped');
      } catch (error) {
        logger.error({ err: error }, 'service did not stop cleanly');
      } finally {
        clearTimeout(timer);
        entry.started = false;
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
