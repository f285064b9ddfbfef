/**
 * @module What a run writes besides orders: `ctx.log` lines and `ctx.plot` series, each bounded by
 * the tier's output limits (lines and characters kept, series and points per series) so a
 * strategy cannot make its result unbounded.
 */
import { TicklineError } from '@tickline/kernel';
import { StreamingSeries } from './downsample.ts';
import type { OutputLimits, PlotSeries } from './types.ts';

/** Longest plot series name or order reason kept. */
export const MAX_NAME_CHARS = 64;

function formatArg(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null)
    return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return '[unserialisable]';
  }
}

/** `ctx.log(...args)` as one line of at most `maxChars` characters. */
export function formatLogLine(args: readonly unknown[], maxChars: number): string {
  let text = '';
  for (let i = 0; i < args.length && text.length <= maxChars; i++)
    text += (i > 0 ? ' ' : '') + formatArg(args[i]);
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}

/** The run's plot series by name, at most `maxPlotSeries` of `maxPlotPoints` points each. */
export class PlotSet {
  readonly #series = new Map<string, StreamingSeries>();
  readonly limits: OutputLimits;

  constructor(limits: OutputLimits) {
    this.limits = limits;
  }

  add(time: number, name: string, value: number): void {
    const key = String(name).slice(0, MAX_NAME_CHARS);
    let s = this.#series.get(key);
    if (s === undefined) {
      const max = this.limits.maxPlotSeries;
      if (this.#series.size >= max) {
        throw new TicklineError('STRATEGY_OUTPUT_LIMIT', `more than ${max} plot series`, {
          details: { limit: 'maxPlotSeries', value: max },
        });
      }
      // Bounded as the equity curve is: a plot on every bar of a long run keeps evenly spaced points.
      s = new StreamingSeries(this.limits.maxPlotPoints);
      this.#series.set(key, s);
    }
    s.push(time, +value);
  }

  /** The series as a run returns them (downsampled to `maxPlotPoints` each, the last point kept). */
  list(): PlotSeries[] {
    return [...this.#series].map(([name, s]) => ({ name, ...s.points() }));
  }
}
