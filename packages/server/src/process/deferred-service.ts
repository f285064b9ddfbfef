/**
 * @module A service built when it starts, for components that need another service's product
 * (the publisher needs the open event log, which exists only once that log's service started).
 */
import {
  ServiceStatus,
  TicklineError,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';

/** A service whose inner instance exists after start. */
export interface DeferredService<T extends Service> extends Service {
  /** The built service. @throws before start. */
  readonly instance: T;
}

/** Builds the inner service with `build` at start, then delegates to it. */
export function createDeferredService<T extends Service>(
  name: string,
  build: (context: ServiceContext) => T,
): DeferredService<T> {
  let inner: T | undefined;
  return {
    name,
    get instance(): T {
      if (inner === undefined)
        throw new TicklineError('KERNEL_SERVICE_FAILED', `service "${name}" has not started`);
      return inner;
    },
    async start(context) {
      inner = build(context);
      await inner.start(context);
    },
    async stop() {
      await inner?.stop();
    },
    health(): ServiceHealth {
      return inner?.health() ?? { status: ServiceStatus.Starting };
    },
  };
}
