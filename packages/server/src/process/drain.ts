/**
 * @module The drain before a stop (`shutdown.drainMs`): for that long after SIGTERM the process
 * keeps serving, but `/readyz` answers 503 `draining` and every HTTP response closes its
 * connection. A load balancer, or a Service whose selector flipped to the other colour of a
 * blue/green release, then sends nothing new here, and a client on a kept-alive connection
 * reconnects — through the same address, to a process that stays — after its current answer
 * instead of sending its next request into a closing server (Fastify would answer that one 503).
 * Only then do the services stop: in-flight requests finish, forwarded requests already taken are
 * answered, streams close and their clients resume elsewhere from their last event id.
 */
import { ServiceStatus, type Logger, type ServiceHealth } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';

/** A process's drain. */
export interface Drain {
  /** Whether the drain has begun. */
  draining(): boolean;
  /** The `process` health entry while draining (so `/readyz` is 503), else nothing. */
  health(): Record<string, ServiceHealth>;
  /** Begins the drain and resolves once `drainMs` passed (at once for 0). */
  run(): Promise<void>;
}

/** A drain of `drainMs` (0: none; the process stops at once). */
export function createDrain(drainMs: number, logger: Logger): Drain {
  let since: number | undefined;
  return {
    draining: () => since !== undefined,
    health(): Record<string, ServiceHealth> {
      if (since === undefined) return {};
      return {
        drain: {
          status: ServiceStatus.Stopping,
          detail: `draining: stopping in ${Math.max(0, drainMs - (Date.now() - since))} ms`,
        },
      };
    },
    async run() {
      if (drainMs <= 0 || since !== undefined) return;
      since = Date.now();
      logger.info({ drainMs }, 'draining: /readyz 503, connections closed after each answer');
      await new Promise((resolve) => setTimeout(resolve, drainMs));
    },
  };
}

/** Adds `Connection: close` to every response while `draining()` holds. */
export function closeConnectionsWhileDraining(app: FastifyInstance, draining: () => boolean): void {
  app.addHook('onSend', async function closeConnectionWhileDraining(_request, reply, payload) {
    if (draining()) void reply.header('connection', 'close');
    return payload;
  });
}
