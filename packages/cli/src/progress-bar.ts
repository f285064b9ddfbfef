/**
 * @module A progress bar on standard error, redrawn in place (`\r`) and at most every 100 ms, so a
 * script reading standard output (`--json`) sees only the result.
 */
import type { CliIo } from './io.ts';

const WIDTH = 30;
const REDRAW_MS = 100;

export interface ProgressBar {
  /** `done` of `total` (a count with no total when `total` is undefined). */
  update(done: number, total?: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

export function progressBar(io: CliIo, label: string, now: () => number = Date.now): ProgressBar {
  let last = Number.NEGATIVE_INFINITY;
  let text = '';
  const draw = (done: number, total: number | undefined): string => {
    if (total === undefined || total <= 0) return `${label} ${done.toLocaleString('en-US')}`;
    const fraction = Math.min(1, done / total);
    const filled = Math.round(fraction * WIDTH);
    const pct = (fraction * 100).toFixed(0).padStart(3);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${pct}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
  };
  return {
    update(done, total) {
      text = draw(done, total);
      const t = now();
      if (t - last < REDRAW_MS) return;
      last = t;
      io.err(`\r${text}`);
    },
    finish() {
      io.err(`\r${text}\n`);
    },
  };
}
