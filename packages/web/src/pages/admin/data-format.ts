/**
 * @module Words for the Data section: a backup schedule's cron expression (UTC) as an operator
 * reads it, sizes in binary units, and the share of SQL bytes the archive tier saved.
 */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `n` bytes with a binary unit: `512 B`, `1.5 KiB`, `20.0 MiB`. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * The share of `sqlBytes` that `fileBytes` saved, in percent (negative when the files are larger),
 * or null when nothing was in SQL to compare with.
 */
export function savedPercent(sqlBytes: number, fileBytes: number): number | null {
  return sqlBytes > 0 ? ((sqlBytes - fileBytes) / sqlBytes) * 100 : null;
}

/** {@link savedPercent} for display: `93.4 %`, or `—` with nothing to compare. */
export function formatSaved(sqlBytes: number, fileBytes: number): string {
  const percent = savedPercent(sqlBytes, fileBytes);
  return percent === null ? '—' : `${percent.toFixed(1)} %`;
}

const isNumber = (field: string) => /^\d+$/.test(field);
const everyN = (field: string) => /^\*\/(\d+)$/.exec(field)?.[1];
const plural = (n: string, unit: string) => (n === '1' ? `every ${unit}` : `every ${n} ${unit}s`);
const clock = (hour: string, minute: string) => `${hour.padStart(2, '0')}:${minute.padStart(2, '0')} UTC`;

/**
 * A cron expression (5 fields, or 6 with seconds first, evaluated in UTC — backup.schedule's form)
 * in words for the common shapes (`0 3 * * *` → `daily at 03:00 UTC`); any other shape as the
 * expression itself, which is still exact. Null is no schedule.
 */
export function describeSchedule(expression: string | null): string {
  if (expression === null) return 'No schedule';
  const fields = expression.trim().split(/\s+/);
  const fallback = `cron “${expression.trim()}” (UTC)`;
  if (fields.length === 6) {
    const [second, ...rest] = fields as [string, ...string[]];
    const n = everyN(second);
    if (n !== undefined && rest.every((f) => f === '*')) return plural(n, 'second');
    if (second !== '0') return fallback;
    return describeFive(rest) ?? fallback;
  }
  return fields.length === 5 ? (describeFive(fields) ?? fallback) : fallback;
}

function describeFive(fields: readonly string[]): string | undefined {
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  if (month !== '*') return undefined;
  const minutes = everyN(minute);
  if (minutes !== undefined && [hour, day, weekday].every((f) => f === '*')) return plural(minutes, 'minute');
  if (!isNumber(minute)) return undefined;
  const hours = everyN(hour);
  if (hours !== undefined && day === '*' && weekday === '*')
    return `${plural(hours, 'hour')} at minute ${minute}`;
  if (hour === '*' && day === '*' && weekday === '*') return `hourly at minute ${minute}`;
  if (!isNumber(hour)) return undefined;
  const at = clock(hour, minute);
  if (day === '*' && weekday === '*') return `daily at ${at}`;
  if (day === '*' && isNumber(weekday) && WEEKDAYS[Number(weekday) % 7])
    return `every ${WEEKDAYS[Number(weekday) % 7]} at ${at}`;
  if (isNumber(day) && weekday === '*') return `monthly on day ${day} at ${at}`;
  return undefined;
}
