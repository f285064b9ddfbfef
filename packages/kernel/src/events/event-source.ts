/** @module Event factories: one per producing source, assigning ids, time and the per-source seq. */
import { systemClock, type Clock } from '../clock/clock.ts';
import { currentCorrelation } from '../context/correlation.ts';
import { uuidv7 } from '../ids/uuidv7.ts';
import { CLOUDEVENTS_SPECVERSION, type EventEnvelope } from './envelope.ts';
import type { EventDefinition } from './registry.ts';

/** Options for {@link createEventSource}. */
export interface EventSourceOptions {
  /** The `source` attribute of every event: `zone/zone-1`. */
  source: string;
  /** @default systemClock */
  clock?: Clock;
  /** The last seq this source used (after a restart, from its snapshot). @default 0 */
  lastSeq?: number;
}

/** Per-event fields a producer supplies. */
export interface NewEvent<TData> {
  subject: string;
  data: TData;
  /** @default subject */
  partitionkey?: string;
  /** @default the current correlation context's id */
  correlationid?: string;
  /** @default the current correlation context's causation id */
  causationid?: string;
}

/** Creates events for one source. Not validated here: the producer's types are the contract. */
export interface EventSource {
  readonly source: string;
  /** The last seq assigned. */
  readonly lastSeq: number;
  create<TData>(definition: EventDefinition<TData>, event: NewEvent<TData>): EventEnvelope<TData>;
}

/**
 * Creates an event factory for one source.
 * @example
 * const zone = createEventSource({ source: 'zone/zone-1' });
 * publisher.publish(zone.create(PlayerMoved, { subject: playerId, partitionkey: 'zone-1', data }));
 */
export function createEventSource(options: EventSourceOptions): EventSource {
  const clock = options.clock ?? systemClock;
  let seq = options.lastSeq ?? 0;
  // A busy source creates many events per millisecond: format each millisecond's time once.
  let lastNow = Number.NaN;
  let lastTime = '';
  return {
    source: options.source,
    get lastSeq() {
      return seq;
    },
    create<TData>(definition: EventDefinition<TData>, event: NewEvent<TData>): EventEnvelope<TData> {
      const now = clock.now();
      if (now !== lastNow) {
        lastNow = now;
        lastTime = new Date(now).toISOString();
      }
      const context = currentCorrelation();
      const envelope: EventEnvelope<TData> = {
        specversion: CLOUDEVENTS_SPECVERSION,
        id: uuidv7(now),
        type: definition.type,
        source: options.source,
        subject: event.subject,
        time: lastTime,
        seq: ++seq,
        partitionkey: event.partitionkey ?? event.subject,
        dataschema: definition.dataschema,
        data: event.data,
      };
      const correlationid = event.correlationid ?? context?.correlationId;
      const causationid = event.causationid ?? context?.causationId;
      if (correlationid !== undefined) envelope.correlationid = correlationid;
      if (causationid !== undefined) envelope.causationid = causationid;
      return envelope;
    },
  };
}
