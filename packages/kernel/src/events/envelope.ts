/** @module The event envelope: CloudEvents 1.0 attribute names plus Tickline's per-source `seq`. */

/**
 * A domain event: an immutable fact, named in the past tense, never rejected.
 * Attribute names follow CloudEvents 1.0 (lower-case, no separators) so envelopes map 1:1
 * onto CloudEvents HTTP/JSON bindings.
 */
export interface EventEnvelope<TData = unknown> {
  /** UUIDv7; unique across the system and the dedupe key everywhere. */
  id: string;
  /** Dotted, past tense: `game.player.moved`. */
  type: string;
  /** Who produced it: `zone/zone-1`, `collector/binance`, `gateway/node-a`. */
  source: string;
  /** The entity it is about: a player id, a symbol, an account id. */
  subject: string;
  /** RFC 3339 timestamp of when the fact happened. */
  time: string;
  /** Position in the source's own sequence, starting at 1; gaps reveal loss. */
  seq: number;
  /** Partition key (CloudEvents partitioning extension): order holds per key. */
  partitionkey: string;
  /** Identifies the payload schema: `/schemas/{type}/{version}`. */
  dataschema: string;
  /** The id of the request that started the chain of work. */
  correlationid?: string;
  /** The id of the request or event that directly caused this one. */
  causationid?: string;
  data: TData;
}

/** The schema reference for a type and version. */
export function dataschemaFor(type: string, version: number): string {
  return `/schemas/${type}/${version}`;
}
