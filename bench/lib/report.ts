/** @module Shared benchmark helpers: percentiles, progress lines, the final RESULT line. */

/** The p-th percentile (0–100) of unsorted samples; NaN when empty. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rounds to `digits` significant decimals for printing. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A progress line on stderr, so stdout stays the table and the RESULT line. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Prints rows as an aligned table on stdout. */
export function printTable(rows: Array<Record<string, string | number>>): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(width[i]!)).join('  ');
  console.log(line(columns));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c] ?? ''))));
}

/** The machine-readable last line every benchmark prints. */
export function printResult(result: Record<string, unknown>): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

/** Reads a positive integer from the environment, with a default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
