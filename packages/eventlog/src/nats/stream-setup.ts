/** @module Creates the stream on open, or brings an existing one to the configured limits (idempotent). */
import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ResolvedNatsEventLogOptions } from './options.ts';
import type { SubjectScheme } from './subjects.ts';

const STREAM_NAME_IN_USE = 10058;
const STREAM_NOT_FOUND = 10059;

/** The stream settings the adapter owns; anything else on an existing stream is left alone. */
export function desiredStreamConfig(
  options: ResolvedNatsEventLogOptions,
  subjects: SubjectScheme,
): Partial<StreamConfig> & { name: string } {
  return {
    name: options.stream,
    subjects: [subjects.wildcard],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: options.replicas,
    // Lets any replica answer reads (read() uses direct gets), so they survive a node loss.
    allow_direct: true,
    duplicate_window: nanos(options.dedupeWindowMs),
    max_bytes: options.retention.maxBytes ?? -1,
    max_age: options.retention.maxAgeMs === undefined ? 0 : nanos(options.retention.maxAgeMs),
    max_msgs_per_subject: options.retention.maxPerKey ?? -1,
  };
}

function differs(current: StreamConfig, desired: Partial<StreamConfig>): boolean {
  return (Object.keys(desired) as (keyof StreamConfig)[]).some(
    (key) => JSON.stringify(current[key]) !== JSON.stringify(desired[key]),
  );
}

function apiCode(error: unknown): number | undefined {
  return error instanceof JetStreamApiError ? error.code : undefined;
}

/** Adds the stream, or updates it when the owned settings changed. */
export async function ensureStream(
  jsm: JetStreamManager,
  options: ResolvedNatsEventLogOptions,
  subjects: SubjectScheme,
): Promise<StreamInfo> {
  const desired = desiredStreamConfig(options, subjects);
  for (let attempt = 0; ; attempt++) {
    let info: StreamInfo;
    try {
      info = await jsm.streams.info(options.stream);
    } catch (error) {
      if (apiCode(error) !== STREAM_NOT_FOUND) throw error;
      try {
        return await jsm.streams.add(desired);
      } catch (addError) {
        // Another process created it between our info and add: read it again.
        if (apiCode(addError) === STREAM_NAME_IN_USE && attempt === 0) continue;
        throw addError;
      }
    }
    if (!differs(info.config, desired)) return info;
    return jsm.streams.update(options.stream, { ...info.config, ...desired });
  }
}
