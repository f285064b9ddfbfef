/** @module Rate-limit metrics: decisions by subject and store failures (the fail-open count). */
import { Counter, getOrCreateMetric, type Registry } from '@tickline/kernel';

export interface RateLimitMetrics {
  /** Requests refused with 429, by subject kind (api_key, user, address). */
  limited: Counter<'subject'>;
  /** Checks the store could not answer (down, timed out): those requests went through unchecked. */
  storeFailures: Counter<'store'>;
}

export function createRateLimitMetrics(registry: Registry): RateLimitMetrics {
  return {
    limited: getOrCreateMetric(
      registry,
      'tickline_http_rate_limited_total',
      () =>
        new Counter({
          name: 'tickline_http_rate_limited_total',
          help: 'Requests refused with 429 by the rate limiter, by subject kind.',
          labelNames: ['subject'] as const,
          registers: [registry],
        }),
    ),
    storeFailures: getOrCreateMetric(
      registry,
      'tickline_http_rate_limit_store_failures_total',
      () =>
        new Counter({
          name: 'tickline_http_rate_limit_store_failures_total',
          help: 'Rate-limit checks the store could not answer; each such request was let through (fail open).',
          labelNames: ['store'] as const,
          registers: [registry],
        }),
    ),
  };
}
