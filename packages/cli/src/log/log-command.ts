/** @module `tickline log info|tail|replay`: inspect and replay the event log. */
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { RegisterCommand } from '../program.ts';

/** What every `log` subcommand passes: the config, and which log. */
export interface LogCommandOptions {
  config?: string;
  /** The dead-letter log instead of the main one. */
  deadLetters?: boolean;
  /** Partition `i` of the partitioned game log (`eventlog.gamePartitions` above 1). */
  gamePartition?: string | undefined;
}

export interface LogTailOptions extends LogCommandOptions {
  from?: string;
  type?: string;
  follow: boolean;
  limit?: string;
}

export interface LogReplayOptions extends LogCommandOptions {
  from: string;
  to?: string;
  type?: string;
  consumer?: string;
}

/** The composer's half: the event logs this config names, opened read-only where only read. */
export interface LocalLog {
  runLogInfo(io: CliIo, options: LogCommandOptions & { json?: boolean }): Promise<void>;
  runLogTail(io: CliIo, options: LogTailOptions): Promise<void>;
  runLogReplay(io: CliIo, options: LogReplayOptions): Promise<void>;
}

const POSITIONS = 'earliest, latest, an offset (42) or an ISO time (2026-11-22T10:00:00Z)';

/** `log` and its subcommands, through `actions` (loaded when one runs, not for every `tickline`). */
export const logCommand =
  (actions: () => Promise<LocalLog>): RegisterCommand =>
  (program, io, setExitCode) => {
    const log = program
      .command('log')
      .description('inspect and replay the event log (embedded logs are opened read-only where only read)')
      .addHelpText(
        'after',
        '\nExamples:\n  tickline log info\n  tickline log tail --from earliest --no-follow\n  tickline log replay --from 1 --to 100',
      );
    const run = (body: () => Promise<void>) => async () => setExitCode(await runCommand(io, body));

    log
      .command('info')
      .description('offsets, storage, the last recovery, and every durable consumer with its lag')
      .addOption(configOption())
      .option('--dlq', 'the dead-letter log instead of the main one')
      .option('--game-partition <i>', 'partition i of the game log (eventlog.gamePartitions above 1)')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExamples:\n  tickline log info\n  tickline log info --dlq --json')
      .action((options: { config?: string; dlq?: boolean; json?: boolean; gamePartition?: string }) =>
        run(async () =>
          (await actions()).runLogInfo(io, { ...options, deadLetters: options.dlq ?? false }),
        )(),
      );

    log
      .command('tail')
      .description(
        'print events as JSON lines (offset first); undecodable records print an error line on stderr',
      )
      .addOption(configOption())
      .option(
        '--from <position>',
        `where to start: ${POSITIONS} (default: latest, or earliest with --no-follow)`,
      )
      .option('--type <prefix>', 'only events whose type starts with this (game.player.)')
      .option('--no-follow', 'stop at the end instead of waiting for new events')
      .option('--limit <n>', 'stop after n events')
      .option('--dlq', 'the dead-letter log instead of the main one')
      .option('--game-partition <i>', 'partition i of the game log (eventlog.gamePartitions above 1)')
      .addHelpText(
        'after',
        `
Examples:
  tickline log tail                                    # new events as they arrive; Ctrl-C to stop
  tickline log tail --from earliest --no-follow | jq .type
  tickline log tail --from 2026-11-22T10:00:00Z --type market. --limit 100`,
      )
      .action(
        (options: {
          config?: string;
          from?: string;
          type?: string;
          follow: boolean;
          limit?: string;
          dlq?: boolean;
          gamePartition?: string;
        }) =>
          run(async () =>
            (await actions()).runLogTail(io, { ...options, deadLetters: options.dlq ?? false }),
          )(),
      );

    log
      .command('replay')
      .description('print a range of events, or rewind a durable consumer so it processes them again')
      .addOption(configOption())
      .requiredOption('--from <position>', `first event: ${POSITIONS}`)
      .option('--to <position>', 'last offset to print (inclusive), or a time to stop before')
      .option('--type <prefix>', 'only events whose type starts with this')
      .option(
        '--consumer <name>',
        'rewind this durable consumer to --from instead of printing (the server must be stopped for an embedded log)',
      )
      .option('--dlq', 'the dead-letter log instead of the main one')
      .option('--game-partition <i>', 'partition i of the game log (eventlog.gamePartitions above 1)')
      .addHelpText(
        'after',
        `
Examples:
  tickline log replay --from 1 --to 100
  tickline log replay --from 2026-11-22T09:00:00Z --to 2026-11-22T10:00:00Z --type game.
  tickline log replay --consumer projections --from earliest    # reprocess everything
  tickline log replay --game-partition 2 --from 1 --type game.player.moved   # one game log partition`,
      )
      .action(
        (options: {
          config?: string;
          from: string;
          to?: string;
          type?: string;
          consumer?: string;
          dlq?: boolean;
          gamePartition?: string;
        }) =>
          run(async () =>
            (await actions()).runLogReplay(io, { ...options, deadLetters: options.dlq ?? false }),
          )(),
      );
  };
