/** @module Opening the configured event log for a `tickline log` command, and closing it after. */
import type { EventLog } from '@tickline/eventlog';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { loadTicklineConfig, type ResolvedConfig } from '../../config/load.ts';
import { LogKind, openEventLog, type GamePartition } from '../../wiring/event-logs.ts';
import { CliError, type CliIo, type LogCommandOptions } from '@tickline/cli';

/** The log a command inspects: main, dead letters, or a game log partition. */
function kindOf(config: ResolvedConfig, options: LogCommandOptions): LogKind | GamePartition {
  if (options.gamePartition === undefined) return options.deadLetters ? LogKind.DeadLetter : LogKind.Main;
  const index = Number(options.gamePartition);
  const count = config.eventlog.gamePartitions;
  // A retired partition (index ≥ count) stays readable until it is deleted.
  if (!Number.isInteger(index) || index < 0 || options.deadLetters)
    throw new CliError(
      'SERVER_INVALID_ARGUMENT',
      `--game-partition takes a partition index (0…${count - 1}) and no --dlq, got ${options.gamePartition}`,
      { details: { gamePartition: options.gamePartition, gamePartitions: count } },
    );
  return { gamePartition: index };
}

/** Loads the config and runs `body` with the chosen log open; always closes it. */
export async function withEventLog<T>(
  io: CliIo,
  options: LogCommandOptions & { readOnly: boolean },
  body: (log: EventLog, context: { config: ResolvedConfig; kind: LogKind | GamePartition }) => Promise<T>,
): Promise<T> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const kind = kindOf(config, options);
  const log = await openEventLog(config, kind, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    readOnly: options.readOnly,
  });
  try {
    return await body(log, { config, kind });
  } finally {
    await log.close();
  }
}
