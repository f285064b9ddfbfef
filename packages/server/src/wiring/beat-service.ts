/**
 * @module The loop behind the admin feeds: a service that runs one beat per interval. A beat still
 * running when the next is due makes that one skip, so a slow read (a busy log, a large registry)
 * never piles up; whether anyone watches is the beat's own decision.
 */
import { ServiceStatus, type Logger, type Service, type ServiceHealth } from '@tickline/kernel';

/** Options for {@link createBeatService}. */
export interface BeatServiceOptions {
  /** The service's name (also in the log line of a failed beat). */
  name: string;
  intervalMs: number;
  /** One beat; a rejection is logged and the next beat runs as usual. */
  beat(logger: Logger): Promise<void>;
}

/** A service that calls `beat` every `intervalMs` while started, never two at once. */
export function createBeatService(options: BeatServiceOptions): Service {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let status: ServiceStatus = ServiceStatus.Starting;
  return {
    name: options.name,
    async start(context) {
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        options
          .beat(context.logger)
          .catch((error: unknown) => context.logger.warn({ err: error }, `${options.name} failed`))
          .finally(() => (busy = false));
      }, options.intervalMs).unref();
      status = ServiceStatus.Up;
    },
    async stop() {
      clearInterval(timer);
      status = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status };
    },
  };
}
