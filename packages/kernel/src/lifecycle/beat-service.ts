/**
 * @module Periodic work, the one way: a service that runs one beat per interval. A beat still
 * running when the next is due makes that one skip, so a slow read (a busy log, a large registry)
 * never piles up; whether anyone watches is the beat's own decision.
 */
import type { Logger } from '../logging/logger.ts';
import { ServiceStatus, type Service, type ServiceHealth } from './service.ts';

/** Options for {@link createBeatService}. */
export interface BeatServiceOptions {
  /** The service's name (also in the log line of a failed beat). */
  name: string;
  intervalMs: number;
  /** One beat; a rejection is logged and the next beat runs as usual. */
  beat(logger: Logger): Promise<void>;
  /** Run one beat during start, awaited (its failure is logged, not fatal). @default false */
  beatAtStart?: boolean;
  /** The warning logged when a beat fails. @default `${name} failed` */
  failureMessage?: string;
}

/**
 * A service that calls `beat` every `intervalMs` while started, never two at once. Health says
 * when the last beat failed.
 * @example
 * host.add(createBeatService({ name: 'session-purge', intervalMs: 3_600_000, beat: () => identity.purgeEndedSessions() }));
 */
export function createBeatService(options: BeatServiceOptions): Service {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let status: ServiceStatus = ServiceStatus.Starting;
  let lastError: string | undefined;
  const failureMessage = options.failureMessage ?? `${options.name} failed`;

  async function beatOnce(logger: Logger): Promise<void> {
    busy = true;
    try {
      await options.beat(logger);
      lastError = undefined;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      logger.warn({ err: error }, failureMessage);
    } finally {
      busy = false;
    }
  }

  return {
    name: options.name,
    async start(context) {
      if (options.beatAtStart) await beatOnce(context.logger);
      timer = setInterval(() => {
        if (!busy) void beatOnce(context.logger);
      }, options.intervalMs).unref();
      status = ServiceStatus.Up;
    },
    async stop() {
      clearInterval(timer);
      status = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return lastError === undefined ? { status } : { status, detail: `last beat failed: ${lastError}` };
    },
  };
}
