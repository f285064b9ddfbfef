/** @module `tickline log info`: where the log is, its offsets, size, last recovery and consumers. */
import type { ConsumerInfo, EventLog, LogHead } from '@tickline/eventlog';
import { eventLogLocation, type LogLocation } from '../../wiring/event-logs.ts';
import type { CliIo, LogCommandOptions } from '@tickline/cli';
import { withEventLog } from './open-log.ts';

/** Everything `log info` reports. */
export interface LogInfo {
  location: LogLocation;
  head: LogHead;
  /** Records between first and last (retention may have removed earlier ones). */
  records: number;
  /** Adapter statistics (segments and bytes for the embedded log). */
  stats?: unknown;
  /** What opening the log found and repaired (embedded). */
  recovery?: unknown;
  consumers: ConsumerInfo[];
}

/** Gathers the report from an open log. */
export async function collectLogInfo(log: EventLog, location: LogLocation): Promise<LogInfo> {
  const head = await log.head();
  const info: LogInfo = {
    location,
    head,
    records: head.last >= head.first && head.last > 0 ? head.last - head.first + 1 : 0,
    consumers: await log.consumers(),
  };
  const extras = log as Partial<{ stats: () => unknown; recovery: unknown }>;
  if (typeof extras.stats === 'function') info.stats = await extras.stats();
  if (extras.recovery !== undefined) info.recovery = extras.recovery;
  return info;
}

/** Runs `log info`. */
export async function runLogInfo(io: CliIo, options: LogCommandOptions & { json?: boolean }): Promise<void> {
  await withEventLog(io, { ...options, readOnly: true }, async (log, { config, kind }) => {
    const info = await collectLogInfo(log, eventLogLocation(config, kind));
    io.out(options.json ? `${JSON.stringify(info, null, 2)}\n` : formatLogInfo(info));
  });
}

/** The human-readable report. */
export function formatLogInfo(info: LogInfo): string {
  const lines = [
    `event log   ${info.location.text} (${info.location.engine})`,
    `offsets     first ${info.head.first}, last ${info.head.last} (${info.records} records)`,
  ];
  if (info.stats !== undefined) lines.push(`storage     ${describeObject(info.stats, ['first', 'last'])}`);
  if (info.recovery !== undefined) lines.push(`recovery    ${describeObject(info.recovery)}`);
  if (info.consumers.length === 0) {
    lines.push('consumers   none');
  } else {
    const width = Math.max(...info.consumers.map((c) => c.name.length));
    lines.push('consumers');
    for (const consumer of info.consumers) {
      lines.push(`  ${consumer.name.padEnd(width)}  acked ${consumer.acked}  lag ${consumer.lag}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// `{ segments: 2, bytes: 4096 }` → `segments 2, bytes 4096`; nested values as JSON.
function describeObject(value: unknown, skip: readonly string[] = []): string {
  if (typeof value !== 'object' || value === null) return String(value);
  return Object.entries(value)
    .filter(([k, v]) => v !== undefined && !skip.includes(k))
    .map(([k, v]) => `${k} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}
