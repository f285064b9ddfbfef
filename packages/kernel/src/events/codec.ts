/**
 * @module Event encoding: one version byte, then the envelope as a MessagePack map.
 * The version byte lets a reader refuse what it does not understand instead of misreading it.
 */
import { Packr, RESERVE_START_SPACE, RESET_BUFFER_MODE } from 'msgpackr';
import { EventMalformedError, EventVersionUnsupportedError } from '../errors/index.ts';
import { CLOUDEVENTS_SPECVERSION, upgradeEnvelope, type EventEnvelope } from './envelope.ts';
import type { EventRegistry } from './registry.ts';

/** The current encoding version, written as the first byte of every encoded event. */
export const EVENT_ENCODING_VERSION = 1;

// Plain maps (no msgpackr records extension) so any MessagePack reader can decode the bytes.
const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

/**
 * msgpackr packs into one buffer shared by every Packr of the process and, left to itself, moves
 * on after each value, so a fresh 8 KB buffer was allocated every dozen events (up to 9–18 %
 * of notify's sampled time). The event's bytes are copied out before anything else can pack, so
 * the packer may write the next value where this one was (RESET_BUFFER_MODE): no view into its
 * buffer is handed out, and another Packr's earlier values, which lie before this one, stay intact.
 * One byte is reserved in front of the body for the version, so the copy is the only one.
 */
const ENCODE_OPTIONS = RESET_BUFFER_MODE | RESERVE_START_SPACE | 1;

/** Encodes an envelope as `[version][msgpack map]`, in bytes of its own. */
export function encodeEvent(event: EventEnvelope): Uint8Array {
  const packed = packr.pack(event, ENCODE_OPTIONS);
  packed[0] = EVENT_ENCODING_VERSION;
  const out = Buffer.allocUnsafe(packed.length);
  out.set(packed);
  return out;
}

/** Options for {@link decodeEvent}. */
export interface DecodeEventOptions {
  /**
   * Validate `data` against the registry. Without a registry only the envelope is checked,
   * which is what tools that print any event (`tickline log tail`) want.
   */
  registry?: EventRegistry;
}

const REQUIRED_STRINGS = ['id', 'type', 'source', 'subject', 'time', 'partitionkey', 'dataschema'] as const;
const OPTIONAL_STRINGS = ['correlationid', 'causationid'] as const;

/**
 * V8 keeps a slice of 13 or more characters as a pointer into its parent string. msgpackr's native
 * string extractor reads all of a record's strings as one latin1 string and hands out slices of
 * it, so an id kept by a consumer's dedupe window or the hub's history pinned its whole record
 * (~370 bytes per 36-character id): 352,000 of them, 131 MB, after 15 minutes of the default
 * simulator. Slicing a concatenation makes V8 flatten it into a new string first: one copy of the
 * characters (a round trip through a Buffer made two), and the slice points into that copy only.
 */
function detached(value: string): string {
  return value.length < 13 ? value : (' ' + value).slice(1);
}

/**
 * Decodes and checks an event. Envelopes from before CloudEvents conformance (no `specversion`,
 * a relative `dataschema`) come back in the current form.
 * @throws EventVersionUnsupportedError for an unknown version byte.
 * @throws EventMalformedError for bytes that are not a complete envelope.
 * @throws EventUnknownTypeError / EventInvalidError when a registry is given and the data fails it.
 */
export function decodeEvent(bytes: Uint8Array, options: DecodeEventOptions = {}): EventEnvelope {
  if (bytes.length < 2) throw new EventMalformedError(`event record too short (${bytes.length} bytes)`);
  if (bytes[0] !== EVENT_ENCODING_VERSION) throw new EventVersionUnsupportedError(bytes[0]!);
  let value: unknown;
  try {
    value = packr.unpack(bytes.subarray(1));
  } catch (cause) {
    throw new EventMalformedError('event record is not valid MessagePack', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventMalformedError('event record is not a map');
  }
  const envelope = value as Record<string, unknown>;
  upgradeEnvelope(envelope);
  if (envelope.specversion !== CLOUDEVENTS_SPECVERSION) {
    throw new EventMalformedError(`event specversion ${String(envelope.specversion)} is not ${CLOUDEVENTS_SPECVERSION}`, {
      details: { attribute: 'specversion' },
    });
  }
  for (const name of REQUIRED_STRINGS) {
    if (typeof envelope[name] !== 'string') {
      throw new EventMalformedError(`event attribute "${name}" is missing or not a string`, {
        details: { attribute: name },
      });
    }
  }
  // The attributes outlive the record (dedupe windows, stream history, projections' keys).
  for (const name of REQUIRED_STRINGS) envelope[name] = detached(envelope[name] as string);
  for (const name of OPTIONAL_STRINGS)
    if (typeof envelope[name] === 'string') envelope[name] = detached(envelope[name]);
  if (typeof envelope.seq !== 'number' || !Number.isInteger(envelope.seq)) {
    throw new EventMalformedError('event attribute "seq" is missing or not an integer', {
      details: { attribute: 'seq' },
    });
  }
  const event = envelope as unknown as EventEnvelope;
  if (options.registry) event.data = options.registry.validate(event.type, event.dataschema, event.data);
  return event;
}
