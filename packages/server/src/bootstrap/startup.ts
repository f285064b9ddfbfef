/**
 * @module Ordered start-up: each step opens something from what the steps before it started, and
 * registers what it started for the reverse stop. A failing step stops everything that started,
 * in reverse, and fails with SERVER_START_FAILED naming the step.
 */
import type { Logger, Service, ServiceHost } from '@tickline/kernel';
import { ServerError } from '../errors.ts';

/** The steps of one process's start-up. */
export interface Startup {
  /**
   * Runs step `name`. @throws ServerError SERVER_START_FAILED (`details.step`), after stopping
   * what started.
   */
  step<T>(name: string, run: (logger: Logger) => Promise<T> | T): Promise<T>;
  /** Starts `services` now, in order, each registered for the reverse stop. */
  start(...services: readonly Service[]): Promise<void>;
}

export function createStartup(host: ServiceHost, logger: Logger): Startup {
  return {
    async step(name, run) {
      try {
        return await run(logger.child({ step: name }));
      } catch (cause) {
        await host.stop();
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new ServerError('SERVER_START_FAILED', `start-up failed at step ${name}: ${reason}`, {
          cause,
          details: { step: name },
        });
      }
    },
    async start(...services) {
      for (const service of services) await host.startService(service);
    },
  };
}
