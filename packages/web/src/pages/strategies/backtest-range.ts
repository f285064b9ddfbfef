/**
 * @module A backtest's range as the dashboard reads and writes it: UTC to the second, as the
 * candles are (a fresh install has 1 s and 1 m candles; whole days were too coarse).
 */

/** A `datetime-local` value (no zone: the form's times are UTC) as an ISO instant. */
export function utcInputToIso(value: string): string {
  return new Date(`${value}Z`).toISOString();
}

/** Epoch ms as a `datetime-local` value in UTC, to the minute (what the form shows). */
export function utcInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/**
 * The range a new backtest form offers: the last six hours up to the current minute, so a first
 * run on a fresh install (a few minutes of 1 m candles) works without typing two dates.
 */
export function defaultBacktestRange(nowMs: number): { from: string; to: string } {
  const to = nowMs - (nowMs % 60_000);
  return { from: utcInputValue(to - 6 * 3_600_000), to: utcInputValue(to) };
}

/** An ISO instant as `YYYY-MM-DD HH:mm` (seconds when not zero), UTC. */
export function utcRangeText(iso: string): string {
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === '00' || seconds === '' ? '' : `:${seconds}`}`;
}
