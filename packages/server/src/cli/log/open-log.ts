/** @module Opening the configured event log for a `tickline log` command, and closing it after. */
import type { EventLog } from '@tickline/eventlog';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { loadTicklineConfig, type ResolvedConfig } from '../../config/load.ts';
import { LogKind, openEventLog } from '../../wiring/event-logs.ts';
import type { CliIo } from '../io.ts';

/** Options every `log` subcommand takes. */
export interface LogCommandOptions {
  config?: string;
  /** Inspect the dead-letter log instead of the main one. */
  deadLetters?: boolean;
}

/** Loads the config and runs `body` with the chosen log open; always closes it. */
export async function withEventLog<T>(
  io: CliIo,
  options: LogCommandOptions & { readOnly: boolean },
  body: (log: EventLog, context: { config: ResolvedConfig; kind: LogKind }) => Promise<T>,
): Promise<T> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const kind = options.deadLetters ? LogKind.DeadLetter : LogKind.Main;
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
