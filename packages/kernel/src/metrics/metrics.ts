/** @module Prometheus metrics: one registry per process, passed to every component that measures. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** Options for {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Include process metrics (CPU, memory, event loop lag, GC). @default true */
  processMetrics?: boolean;
  /** Labels added to every series, e.g. `{ role: 'game' }`. */
  defaultLabels?: Record<string, string>;
}

/** A fresh registry; never the prom-client global one, so tests and processes do not share series. */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tickline_' });
  return registry;
}

/**
 * Returns the metric named `name` from `registry`, creating it with `create` the first time.
 * Lets several instances of a component (two consumers, two logs) share one labelled series set.
 */
export function getOrCreateMetric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
