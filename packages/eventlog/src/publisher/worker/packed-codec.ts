/**
 * @module Packed codecs: how a hot producer publishes without building events on its own thread.
 * The producer writes an entry's fields into the publisher's {@link PackedLane} (no allocation);
 * the publisher's worker loads the codec module, reads the entry back and builds, encodes and
 * appends the event there. A codec module exports `packedCodecs: PackedCodecReader[]`.
 */
import type { EventEnvelope } from '@tickline/kernel';
import type { AppendRecord } from '../../port/event-log.ts';
import type { BatchBuffer } from './packed-batch.ts';

/** A publisher that takes packed entries besides events (see {@link createWorkerPublisher}). */
export interface PackedLane {
  /**
   * Room for one entry of at most `maxBytes` (tag included): the buffer to write it into, from
   * {@link PackedLane.offset}. Valid until the matching {@link PackedLane.commit}.
   */
  reserve(maxBytes: number): BatchBuffer;
  /** Where the reserved entry starts (its tag byte). */
  readonly offset: number;
  /** The reserved entry ends at `end`: it is one published event from now on. */
  commit(end: number): void;
}

/** The worker side of a codec: one tag, read back into the event it stands for. */
export interface PackedCodecReader {
  /** The entry's first byte, from FIRST_CODEC_TAG (16) to 255, unique among loaded codecs. */
  readonly tag: number;
  /** Reads the entry whose tag is at `cursor.at`, leaving `cursor.at` after it. */
  read(buf: BatchBuffer, cursor: { at: number }): EventEnvelope;
  /**
   * The same, already encoded: a codec that writes its event's bytes itself (skipping the envelope
   * object and the general encoder) returns the record. Used instead of `read` when present.
   */
  readRecord?(buf: BatchBuffer, cursor: { at: number }): AppendRecord;
}

/** What a codec module exports. */
export interface PackedCodecModule {
  packedCodecs: readonly PackedCodecReader[];
}
