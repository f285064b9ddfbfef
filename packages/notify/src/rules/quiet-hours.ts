/**
 * @module Quiet hours in the user's time zone. Pure: takes the instant and answers whether it is
 * quiet and when the quiet period ends. Times are local wall-clock `HH:MM`; a period may cross
 * midnight (`22:00`–`07:00`). Across a daylight-saving change the end may be off by the shift
 * for that one night; the digest is then sent an hour early or late, never lost.
 */

/** `HH:MM`, 00:00–23:59. */
export const QUIET_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A user's quiet hours. */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

function minutesOf(time: string): number {
  const m = QUIET_TIME.exec(time);
  if (!m) throw new RangeError(`not a HH:MM time: ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Local seconds since midnight of `atMs` in `zone`. */
function localSeconds(atMs: number, zone: string): number {
  const parts = formatter(zone).formatToParts(new Date(atMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 3600 + get('minute') * 60 + get('second');
}

/**
 * When the quiet period around `atMs` ends (epoch ms), or undefined when `atMs` is not quiet.
 * @example quietUntil(Date.parse('2026-01-01T23:30:00Z'), { start: '22:00', end: '07:00', timeZone: 'UTC' }) // 07:00 next day
 */
export function quietUntil(atMs: number, quiet: QuietHours): number | undefined {
  const start = minutesOf(quiet.start) * 60;
  const end = minutesOf(quiet.end) * 60;
  if (start === end) return undefined;
  const now = localSeconds(atMs, quiet.timeZone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const untilEnd = (end - now + 86_400) % 86_400;
  return atMs - (atMs % 1000) + untilEnd * 1000;
}
