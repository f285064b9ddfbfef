/**
 * @module Local wall-clock time in an IANA zone ↔ epoch ms, through `Intl` (Node ships full ICU),
 * so daylight-saving changes come from the zone database, not from rules written here.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local fields of an instant in a zone. */
export interface LocalParts {
  /** `YYYY-MM-DD` */
  readonly date: string;
  readonly year: number;
  readonly minutesOfDay: number;
}

/** The local date and time of `timeMs` in `timeZone`. */
export function localParts(timeMs: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatterOf(timeZone).formatToParts(new Date(timeMs))) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return { date, year: Number(parts.year), minutesOfDay: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Offset of the zone from UTC at `timeMs`, in ms (New York in winter: -5 h). */
function offsetMs(timeMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatterOf(timeZone).formatToParts(new Date(timeMs))) parts[p.type] = p.value;
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(timeMs / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks show `date` (`YYYY-MM-DD`) and `time` (`HH:MM`).
 * Exchange hours never fall in a DST gap or overlap (those are at 01:00–03:00), so one correction
 * of the offset suffices.
 */
export function zonedTimeToUtc(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  const first = naive - offsetMs(naive, timeZone);
  return naive - offsetMs(first, timeZone);
}

/** The local date one day after `date` (calendar arithmetic, zone-free). */
export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Day of week of a local date, 0 = Sunday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}
