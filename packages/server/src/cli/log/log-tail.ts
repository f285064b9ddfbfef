/** @module `tickline log tail` and `tickline log replay`: print ranges, or rewind a durable consumer. */
import { isEventLogLockedError } from '@tickline/eventlog';
import { ServerError } from '../../errors.ts';
import { eventLogLocation } from '../../wiring/event-logs.ts';
import {
  CliError,
  type CliIo,
  type LogCommandOptions,
  type LogReplayOptions,
  type LogTailOptions,
} from '@tickline/cli';
import { parseLogPosition, resolveOffset, toStartPosition } from './log-position.ts';
import { withEventLog } from './open-log.ts';
import { printRecords } from './print-records.ts';

/** Runs `log tail`. */
export async function runLogTail(io: CliIo, options: LogTailOptions): Promise<void> {
  const from = parseLogPosition(options.from ?? (options.follow ? 'latest' : 'earliest'), '--from');
  const limit = options.limit === undefined ? undefined : parseCount(options.limit, '--limit');
  await withEventLog(io, { ...options, readOnly: true }, async (log) => {
    await printRecords(log, io, {
      from: await resolveOffset(log, from),
      follow: options.follow,
      ...(options.type === undefined ? {} : { typePrefix: options.type }),
      ...(limit === undefined ? {} : { limit }),
    });
  });
}

/** Runs `log replay`: prints `--from`..`--to`, or with `--consumer` rewinds that consumer to `--from`. */
export async function runLogReplay(io: CliIo, options: LogReplayOptions): Promise<void> {
  const from = parseLogPosition(options.from, '--from');
  if (options.consumer !== undefined) {
    if (options.to !== undefined) {
      throw new CliError(
        'SERVER_INVALID_ARGUMENT',
        '--to cannot be used with --consumer: a consumer replays to the head',
      );
    }
    await rewindConsumer(io, options, options.consumer, from);
    return;
  }
  const to = options.to === undefined ? undefined : parseLogPosition(options.to, '--to');
  await withEventLog(io, { ...options, readOnly: true }, async (log) => {
    const start = await resolveOffset(log, from);
    // `--to` is inclusive: for a time, the last record before the first one at or after it... plus that one's
    // predecessor rule would surprise; a time bound keeps records strictly before it.
    const end =
      to === undefined ? undefined : to.kind === 'offset' ? to.offset : (await resolveOffset(log, to)) - 1;
    await printRecords(log, io, {
      from: start,
      follow: false,
      ...(end === undefined ? {} : { to: end }),
      ...(options.type ? { typePrefix: options.type } : {}),
    });
  });
}

async function rewindConsumer(
  io: CliIo,
  options: LogCommandOptions,
  name: string,
  from: ReturnType<typeof parseLogPosition>,
): Promise<void> {
  try {
    await withEventLog(io, { ...options, readOnly: false }, async (log, { config, kind }) => {
      const before = (await log.consumers()).find((consumer) => consumer.name === name);
      await log.resetConsumer(name, toStartPosition(from));
      const after = (await log.consumers()).find((consumer) => consumer.name === name);
      const where = eventLogLocation(config, kind).text;
      io.out(
        `consumer ${name} on ${where}: acked ${before?.acked ?? 'none'} → ${after?.acked ?? 'reset'}` +
          (after ? `, ${after.lag} records to replay` : '') +
          '\n',
      );
    });
  } catch (error) {
    if (!isEventLogLockedError(error)) throw error;
    throw new ServerError(
      'SERVER_LOG_IN_USE',
      `cannot rewind consumer "${name}": ${(error as Error).message} (a running tickline holds it); stop it first, then run this again`,
      { cause: error, details: { consumer: name } },
    );
  }
}

function parseCount(text: string, flag: string): number {
  if (/^\d+$/.test(text) && Number(text) > 0) return Number(text);
  throw new CliError(
    'SERVER_INVALID_ARGUMENT',
    `${flag} ${JSON.stringify(text)}: expected a positive integer`,
    {
      details: { flag, value: text },
    },
  );
}
