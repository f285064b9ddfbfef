/**
 * @module A backtest's range as the dashboard reads and writes it: UTC to the second, as the
 * candles are (a fresh install has 1 s and 1 m candles; whole days were too coarse).
 */

/** A `datetime-local` value (no zone: the form's times are UTC) as an ISO instant. */
export function utcInputToIso(value: string): string {
  return new Date(`${value}Z`).toISOString();
}

/** An ISO instant as `YYYY-MM-DD HH:mm` (seconds when not zero), UTC. */
export function utcRangeText(iso: string): string {
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === '00' || seconds === '' ? '' : `:${seconds}`}`;
}
