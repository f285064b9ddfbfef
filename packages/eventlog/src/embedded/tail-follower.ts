/**
 * @module How a read-only log sees another process's appends: it polls the directory, reads the
 * frames past what it has verified, and publishes them like the writer would. An incomplete frame
 * at the end is a write in progress, never truncated: the follower simply waits for the rest.
 */
import { stat } from 'node:fs/promises';
import type { LogRecord } from '../port/event-log.ts';
import { decodeFrame } from './frame.ts';
import { updateSegmentGauges, type LogState } from './log-state.ts';
import { Segment, listSegmentBases } from './segment.ts';
import { fileSize, indexSegment } from './segment-reader.ts';

export class TailFollower {
  readonly #state: LogState;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;

  constructor(state: LogState) {
    this.#state = state;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.poll().catch((error: unknown) =>
        this.#state.options.logger.warn(
          { err: error, log: this.#state.options.name },
          'event log poll failed',
        ),
      );
    }, this.#state.options.pollIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#polling;
  }

  /** One look for new segments and new frames; concurrent calls share it. */
  poll(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<void> {
    const state = this.#state;
    const bases = await listSegmentBases(state.options.dir);
    const present = new Set(bases);
    const before = state.segments.length;
    // The writer's retention removed these.
    state.segments = state.segments.filter((seg) => present.has(seg.base));
    for (const base of bases) {
      const last = state.segments.at(-1);
      if (last && base <= last.base) continue;
      if (last) {
        // The writer rolled: what is in `last` now is all it will ever hold.
        await this.#follow(last);
        if (last.last < base - 1) {
          last.lost.push([last.last + 1, base - 1]);
          state.metrics.corruptRecords.inc(base - 1 - last.last);
          last.last = base - 1;
        }
      }
      const info = await stat(new Segment(state.options.dir, base, 0, 0).path).catch(() => undefined);
      if (!info) break; // deleted between listing and now; the next poll sees the truth
      const seg = new Segment(state.options.dir, base, 0, info.mtimeMs);
      seg.indexed = true;
      state.segments.push(seg);
    }
    const active = state.segments.at(-1);
    if (active) await this.#follow(active);
    if (state.segments.length !== before) updateSegmentGauges(state);
  }

  /** Reads and publishes the complete frames appended to `seg` since the last look. */
  async #follow(seg: Segment): Promise<void> {
    const state = this.#state;
    const size = await fileSize(seg.path);
    if (size === undefined || size <= seg.size) return;
    const records: LogRecord[] = [];
    let payloadBytes = 0;
    const result = await indexSegment(seg, {
      from: seg.size,
      until: size,
      onFrame: (buf, start, end) => {
        const record = decodeFrame(buf, start, end);
        payloadBytes += record.payload.byteLength;
        records.push(record);
      },
    });
    let lost = 0;
    for (const gap of result.gaps) lost += Math.max(0, gap.lostTo - gap.lostFrom + 1);
    if (lost > 0) state.metrics.corruptRecords.inc(lost);
    state.metrics.bytes.inc(result.validEnd - seg.size);
    seg.size = result.validEnd;
    seg.last = result.last;
    if (records.length === 0) return;
    state.lastCommitted = seg.last;
    state.cache.push(records, payloadBytes);
    state.signal.notify();
  }
}
