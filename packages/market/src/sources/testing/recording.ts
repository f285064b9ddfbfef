/**
 * @module Recorded venue frames: JSON Lines of `{localTimestamp, frame}` (see fixtures/README.md),
 * read for decode tests and replayed by the mock venues at 1×, N× or at once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One recorded frame. */
export interface RecordedFrame {
  /** Arrival time (epoch ms). */
  readonly at: number;
  /** The frame text as the venue sent it. */
  readonly frame: string;
}

/** The fixtures shipped with the package. */
export const RECORDINGS = Object.freeze({
  binance: fileURLToPath(new URL('./fixtures/binance-btcusdt.jsonl', import.meta.url)),
  upbit: fileURLToPath(new URL('./fixtures/upbit-krw-btc.jsonl', import.meta.url)),
  coinbase: fileURLToPath(new URL('./fixtures/coinbase-btc-usd.jsonl', import.meta.url)),
});

/** Reads a recording; a line that is not `{localTimestamp, frame}` throws with its number. */
export function readRecording(path: string): RecordedFrame[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const row = JSON.parse(line) as { localTimestamp?: unknown; frame?: unknown };
      const at = typeof row.localTimestamp === 'string' ? Date.parse(row.localTimestamp) : Number.NaN;
      if (!Number.isFinite(at) || typeof row.frame !== 'string') {
        throw new Error(`${path}:${i + 1}: expected {"localTimestamp": ISO-8601, "frame": string}`);
      }
      return { at, frame: row.frame };
    });
}
