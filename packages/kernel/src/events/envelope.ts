/** @module The event envelope: a CloudEvents 1.0 event plus Tickline's extension attributes. */

/** The CloudEvents specification version every envelope declares. */
export const CLOUDEVENTS_SPECVERSION = '1.0';

/**
 * A domain event: an immutable fact, named in the past tense, never rejected. It is a CloudEvent
 * 1.0: the required attributes, `subject`, `time` and an absolute `dataschema` URI, and the
 * extensions `seq`, `partitionkey`, `correlationid` and `causationid` (lower-case, no separators),
 * so its JSON form is accepted as is by any CloudEvents SDK.
 */
export interface EventEnvelope<TData = unknown> {
  /** Always `1.0`. Envelopes written before it existed are read as 1.0 (see `upgradeEnvelope`). */
  specversion: typeof CLOUDEVENTS_SPECVERSION;
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
  /** Identifies the payload schema, an absolute URI: `urn:tickline:schemas:{type}:{version}`. */
  dataschema: string;
  /** The id of the request that started the chain of work. */
  correlationid?: string;
  /** The id of the request or event that directly caused this one. */
  causationid?: string;
  data: TData;
}

/**
 * The schema reference for a type and version. CloudEvents requires an absolute URI; a URN names
 * the schema without claiming a web address that would have to serve it.
 */
export function dataschemaFor(type: string, version: number): string {
  return `urn:tickline:schemas:${type}:${version}`;
}

/** `/schemas/{type}/{version}`: how envelopes written before CloudEvents conformance name it. */
const LEGACY_DATASCHEMA = /^\/schemas\/([^/]+)\/(\d+)$/;

/** The current form of a schema reference: a legacy relative path becomes its URN, others stay. */
export function canonicalDataschema(dataschema: string): string {
  const legacy = LEGACY_DATASCHEMA.exec(dataschema);
  return legacy ? dataschemaFor(legacy[1]!, Number(legacy[2])) : dataschema;
}

/**
 * Brings an envelope read from an existing log to the current form, in place: logs written before
 * CloudEvents conformance hold envelopes without `specversion` and with a relative `dataschema`.
 */
export function upgradeEnvelope(envelope: Record<string, unknown>): void {
  if (envelope.specversion === undefined) envelope.specversion = CLOUDEVENTS_SPECVERSION;
  if (typeof envelope.dataschema === 'string') envelope.dataschema = canonicalDataschema(envelope.dataschema);
}
