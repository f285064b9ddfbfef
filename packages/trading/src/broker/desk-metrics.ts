/**
 * @module The order desk's Prometheus metrics: order outcomes by venue (rejections by reason, so
 * a risk limit firing or a venue refusing keys shows up at once) and how long the venue takes to
 * answer an order.
 */
import { Counter, getOrCreateMetric, Histogram, type Registry } from '@tickline/kernel';

/** Venue round trips: a loopback paper broker answers in µs, a live venue in tens to hundreds of ms. */
const PLACE_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the desk updates. */
export interface DeskMetrics {
  /** outcome: placed, rejected, unknown (the venue's answer was lost). */
  orders: Counter<'venue' | 'outcome' | 'reason'>;
  placeSeconds: Histogram<'venue'>;
}

/** The desk's metrics in `registry` (shared when several desks use one registry). */
export function createDeskMetrics(registry: Registry): DeskMetrics {
  return {
    orders: getOrCreateMetric(
      registry,
      'tickline_broker_orders_total',
      () =>
        new Counter({
          name: 'tickline_broker_orders_total',
          help: 'Orders the order desk handled, by venue and outcome (placed, rejected with its reason, unknown).',
          labelNames: ['venue', 'outcome', 'reason'],
          registers: [registry],
        }),
    ),
    placeSeconds: getOrCreateMetric(
      registry,
      'tickline_broker_place_seconds',
      () =>
        new Histogram({
          name: 'tickline_broker_place_seconds',
          help: 'Time from handing an order to the venue until its answer (or its loss).',
          labelNames: ['venue'],
          buckets: PLACE_BUCKETS_S,
          registers: [registry],
        }),
    ),
  };
}
