/**
 * @module Where `tickline start` writes its log: JSON lines as they are, or through pino-pretty —
 * coloured, one short line per event with the time of day — when a person is reading.
 */
import { resolveLogFormat, type LogFormat } from '@tickline/kernel';
import { PinoPretty } from 'pino-pretty';

/**
 * The stream the logger writes to. Pretty output is synchronous, like process.stdout on Linux, so
 * lines keep their order and the last ones before an exit are not lost.
 */
export function logDestination(
  format: LogFormat,
  stdout: NodeJS.WriteStream = process.stdout,
): NodeJS.WritableStream {
  if (resolveLogFormat(format, stdout.isTTY === true) === 'json') return stdout;
  return PinoPretty({
    destination: stdout,
    sync: true,
    colorize: stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The name is always "tickline" and pid/hostname are the same on every line.
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
}
