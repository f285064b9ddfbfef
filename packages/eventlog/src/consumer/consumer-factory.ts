/**
 * @module Consumers bound to one process: its open main log, its dead-letter log and its metrics
 * registry — so a domain module supplies only a name and a handler (the runner takes its logger
 * from the service context when it starts).
 */
import type { EventRegistry, Registry } from '@tickline/kernel';
import type { EventLog } from '../port/event-log.ts';
import type { ConsumerRunnerOptions } from './consumer-options.ts';
import { createConsumerRunner, type ConsumerRunner } from './consumer-runner.ts';

/** What a domain chooses; the process supplies the rest. */
export type ConsumerServiceOptions = Omit<
  ConsumerRunnerOptions,
  'log' | 'deadLetters' | 'metrics' | 'logger'
>;

/** Builds a consumer runner (a service) over the process's logs. */
export type ConsumerFactory = (options: ConsumerServiceOptions) => ConsumerRunner;

/** Options for {@link createConsumerFactory}. */
export interface ConsumerFactoryOptions {
  /** The open main log. */
  log: EventLog;
  /** The open dead-letter log; absent on roles that only produce. */
  deadLetters?: EventLog | undefined;
  metrics: Registry;
  /** Decodes events for every consumer that names none. */
  registry?: EventRegistry;
}

/**
 * @example
 * const consumers = createConsumerFactory({ log, deadLetters, metrics, registry });
 * await host.startService(consumers({ name: 'projections', handle }));
 */
export function createConsumerFactory(options: ConsumerFactoryOptions): ConsumerFactory {
  return (consumer) =>
    createConsumerRunner({
      ...(options.registry ? { registry: options.registry } : {}),
      ...consumer,
      log: options.log,
      ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
      metrics: options.metrics,
    });
}
