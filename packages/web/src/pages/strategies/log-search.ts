/** @module Searching a run's log lines in the page (see backtest-log.tsx). */

export interface LogLine {
  time: number;
  text: string;
}

/** The lines matching `query`: every whitespace-separated word, in any order, any case. */
export function matchingLines(lines: readonly LogLine[], query: string): LogLine[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...lines];
  return lines.filter((line) => {
    const text = line.text.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
