/**
 * @module `--from` / `--to` values: `earliest`, `latest`, an offset, or an ISO time — resolved to
 * offsets for reading, or to a StartPosition for rewinding a consumer.
 */
import type { EventLog, Offset, StartPosition } from '@tickline/eventlog';
import { CliError } from '@tickline/cli';

/** A parsed position argument. */
export type LogPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: Offset }
  | { kind: 'time'; time: number };

const OFFSET = /^\d+$/;
// A date, optionally with a time: 2026-11-22, 2026-11-22T10:00:00Z, 2026-11-22 10:00:00+09:00.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses `earliest|latest|OFFSET|ISO-time`. @throws CliError SERVER_INVALID_ARGUMENT */
export function parseLogPosition(text: string, flag: string): LogPosition {
  if (text === 'earliest' || text === 'latest') return { kind: text };
  if (OFFSET.test(text)) return { kind: 'offset', offset: Number(text) };
  if (ISO_TIME.test(text)) {
    const time = Date.parse(text);
    if (Number.isFinite(time)) return { kind: 'time', time };
  }
  throw new CliError(
    'SERVER_INVALID_ARGUMENT',
    `${flag} ${JSON.stringify(text)}: expected earliest, latest, an offset (e.g. 42) or an ISO time (e.g. 2026-11-22T10:00:00Z)`,
    { details: { flag, value: text } },
  );
}

/** The position as a consumer start. */
export function toStartPosition(position: LogPosition): StartPosition {
  switch (position.kind) {
    case 'offset':
      return { from: 'offset', offset: position.offset };
    case 'time':
      return { from: 'time', time: position.time };
    default:
      return { from: position.kind };
  }
}

/**
 * The first offset at or after `position` in `log`. `latest` is the offset after the last
 * record (so only new records follow); a time is found by binary search over record times,
 * which grow with offsets because they are append times.
 */
export async function resolveOffset(log: EventLog, position: LogPosition): Promise<Offset> {
  const head = await log.head();
  const first = Math.max(head.first, 1);
  switch (position.kind) {
    case 'earliest':
      return first;
    case 'latest':
      return head.last + 1;
    case 'offset':
      return Math.max(position.offset, first);
    case 'time':
      return firstAtOrAfter(log, first, head.last, position.time);
  }
}

async function firstAtOrAfter(log: EventLog, first: Offset, last: Offset, time: number): Promise<Offset> {
  let low = first;
  let high = last + 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const [record] = await log.read({ from: middle, limit: 1 });
    if (record === undefined) {
      high = middle;
    } else if (record.time < time) {
      low = record.offset + 1;
    } else {
      high = Math.min(middle, record.offset);
    }
  }
  return low;
}
