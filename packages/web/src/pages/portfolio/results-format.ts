/**
 * @module Trade results as the dashboard words and groups them: a duration as "2 d 3 h", a
 * percentage; the per pair / exit reason / day breakdowns of a backtest's trades come from
 * protocol's `backtestBreakdowns` (the CLI prints the same). Pure, so the tables stay thin.
 */
export { backtestBreakdowns } from '@tickline/protocol';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "45 s", "12 min", "3 h 5 min", "2 d 3 h": the two largest units. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < MINUTE) return `${Math.round(ms / 1000)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const m = Math.floor((ms % HOUR) / MINUTE);
    return `${Math.floor(ms / HOUR)} h${m > 0 ? ` ${m} min` : ''}`;
  }
  const h = Math.floor((ms % DAY) / HOUR);
  return `${Math.floor(ms / DAY)} d${h > 0 ? ` ${h} h` : ''}`;
}

/** A fraction as a signed percentage: 0.0512 → "+5.12 %". */
export function formatPct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const text = `${Math.abs(fraction * 100).toFixed(2)} %`;
  return fraction > 0 ? `+${text}` : fraction < 0 ? `−${text}` : text;
}

/** One page of `rows` (0-based) of `size`, and how many pages there are. */
export function pageOf<T>(rows: readonly T[], page: number, size: number): { rows: T[]; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const at = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(at * size, at * size + size), pages };
}
