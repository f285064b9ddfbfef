/** @module The process publisher: built on start over the open main log, spilling under dataDir. */
import { createPublisher, type EventLog, type Publisher } from '@tickline/eventlog';
import type { Registry } from '@tickline/kernel';
import { createDeferredService, type DeferredService } from '../process/deferred-service.ts';

/** Options for {@link createPublisherService}. */
export interface PublisherServiceOptions {
  /** The main log, read at start (it is opened by the service before this one). */
  log: () => EventLog;
  spillDir: string;
  maxQueuedEvents: number;
  metrics: Registry;
}

/** A service named `publisher` whose `instance` is the {@link Publisher} once started. */
export function createPublisherService(options: PublisherServiceOptions): DeferredService<Publisher> {
  return createDeferredService('publisher', (context) =>
    createPublisher({
      log: options.log(),
      spillDir: options.spillDir,
      maxQueuedEvents: options.maxQueuedEvents,
      metrics: options.metrics,
      logger: context.logger,
    }),
  );
}
