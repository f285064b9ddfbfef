/** @module How log lines look: JSON for machines, short coloured lines for a person at a terminal. */

/** `auto` is pretty when stdout is a terminal and JSON otherwise (a pipe, a file, a container log). */
export const LogFormat = { auto: 'auto', pretty: 'pretty', json: 'json' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

/** The format to write, given the configured one and whether stdout is a terminal. */
export function resolveLogFormat(format: LogFormat, stdoutIsTty: boolean): 'pretty' | 'json' {
  if (format === LogFormat.auto) return stdoutIsTty ? LogFormat.pretty : LogFormat.json;
  return format;
}
