/**
 * @module Consumers wired to the process: the main log, the dead-letter log, the shared metrics
 * registry and the service logger — so a domain component only supplies a name and a handler.
 */
import { createConsumerRunner, type ConsumerRunner, type ConsumerRunnerOptions } from '@tickline/eventlog';
import { createDeferredService, type DeferredService } from '../process/deferred-service.ts';
import type { SharedServices } from '../process/runtime.ts';

/** What a component chooses; the process supplies the rest. */
export type ConsumerServiceOptions = Omit<
  ConsumerRunnerOptions,
  'log' | 'deadLetters' | 'metrics' | 'logger'
>;

/**
 * A service named after the consumer, building its runner on start (the logs are open by then).
 * @example
 * createRuntime({ ..., components: (shared) => [createConsumerService(shared, { name: 'projections', handle })] });
 */
export function createConsumerService(
  shared: SharedServices,
  options: ConsumerServiceOptions,
): DeferredService<ConsumerRunner> {
  return createDeferredService(options.name, (context) =>
    createConsumerRunner({
      ...options,
      log: shared.eventLog.log,
      ...(shared.deadLetterLog ? { deadLetters: shared.deadLetterLog.log } : {}),
      metrics: shared.metrics,
      logger: context.logger,
    }),
  );
}
