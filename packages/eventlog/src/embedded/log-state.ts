/** @module The state the embedded log's parts share: segments, the committed head, cache and wake-ups. */
import type { AppendSignal } from '../memory/append-signal.ts';
import type { EmbeddedMetrics } from './embedded-metrics.ts';
import type { IdWindow } from './id-window.ts';
import type { ResolvedEmbeddedEventLogOptions } from './options.ts';
import type { RecordCache } from './record-cache.ts';
import type { Segment } from './segment.ts';

export interface LogState {
  readonly options: ResolvedEmbeddedEventLogOptions;
  /** Ascending by base; the last one is the active (writer) or newest (read-only) segment. */
  segments: Segment[];
  /** Last offset readers may see: written (and fsynced under `always`). 0 when empty. */
  lastCommitted: number;
  readonly cache: RecordCache;
  readonly signal: AppendSignal;
  readonly dedupe: IdWindow;
  readonly metrics: EmbeddedMetrics;
}

/** First offset still readable, 0 when nothing was ever committed. */
export function firstOffset(state: LogState): number {
  if (state.lastCommitted === 0) return 0;
  return state.segments[0]?.base ?? state.lastCommitted + 1;
}

/** The segment that would hold `offset`: the last one whose base is at or before it. */
export function segmentFor(state: LogState, offset: number): Segment | undefined {
  const segments = state.segments;
  let lo = 0;
  let hi = segments.length - 1;
  let found: Segment | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.base <= offset) {
      found = segments[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Updates the segment gauges after the set of segments or their sizes changed. */
export function updateSegmentGauges(state: LogState): void {
  let bytes = 0;
  for (const seg of state.segments) bytes += seg.size;
  state.metrics.segments.set(state.segments.length);
  state.metrics.bytes.set(bytes);
}
