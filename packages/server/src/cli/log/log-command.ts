/** @module `tickline log info|tail|replay`: inspect and replay the event log. */
import type { Command } from 'commander';
import { runCommand, type ExitCode, type CliIo } from '@tickline/cli';
import { configOption } from '../options.ts';

const POSITIONS = 'earliest, latest, an offset (42) or an ISO time (2026-11-22T10:00:00Z)';

/** Adds `log` and its subcommands. */
export function registerLogCommand(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const log = program
    .command('log')
    .description('inspect and replay the event log (embedded logs are opened read-only where only read)')
    .addHelpText(
      'after',
      '\nExamples:\n  tickline log info\n  tickline log tail --from earliest --no-follow\n  tickline log replay --from 1 --to 100',
    );
  const run = (body: () => Promise<void>) => async () => setExitCode(await runCommand(io, body));
  // The adapters load only when a log command runs, not for every `tickline` invocation.
  const info = async () => (await import('./log-info.ts')).runLogInfo;
  const tail = async () => (await import('./log-tail.ts')).runLogTail;
  const replay = async () => (await import('./log-tail.ts')).runLogReplay;

  log
    .command('info')
    .description('offsets, storage, the last recovery, and every durable consumer with its lag')
    .addOption(configOption())
    .option('--dlq', 'the dead-letter log instead of the main one')
    .option('--game-partition <i>', 'partition i of the game log (eventlog.gamePartitions above 1)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  tickline log info\n  tickline log info --dlq --json')
    .action((options: { config?: string; dlq?: boolean; json?: boolean; gamePartition?: string }) =>
      run(async () => (await info())(io, { ...options, deadLetters: options.dlq ?? false }))(),
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
      }) => run(async () => (await tail())(io, { ...options, deadLetters: options.dlq ?? false }))(),
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
      }) => run(async () => (await replay())(io, { ...options, deadLetters: options.dlq ?? false }))(),
    );
}
