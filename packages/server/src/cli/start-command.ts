/** @module `tickline start`: runs the process until SIGTERM/SIGINT. */
import { createLogger, createMetricsRegistry } from '@tickline/kernel';
import type { Command } from 'commander';
import { loadTicklineConfig } from '../config/load.ts';
import { configOption, reportCommandError, type CliIo, type ExitCode } from '@tickline/cli';
import { describeRoles } from '../roles.ts';
import { logDestination } from './log-destination.ts';
import { roleOption, roleOverride } from './options.ts';

/** Adds `start`. Once running, `setExitCode(undefined)`: the exit then comes from a signal. */
export function registerStartCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode | undefined) => void,
): void {
  program
    .command('start')
    .description('run the tickline process: event log, publisher and HTTP (probes, metrics) for a role')
    .addOption(roleOption())
    .addOption(configOption())
    .addHelpText(
      'after',
      `
Roles (what each runs now, and what later releases add):
${describeRoles()}

Stops on SIGTERM or Ctrl-C: drains and stops services in reverse order within shutdown.timeoutMs,
then exits 0. A second signal exits at once. Exit 2 means the configuration is invalid.

Examples:
  tickline start                               # everything, embedded log under ./data, port 8080
  tickline start --config tickline.yaml
  TICKLINE_HTTP_PORT=9000 TICKLINE_DATA_DIR=/var/lib/tickline tickline start
  tickline start --role game --config scaled.yaml`,
    )
    .action(async (options: { role?: string; config?: string }) => {
      let logger;
      try {
        const config = loadTicklineConfig({
          env: io.env,
          overrides: roleOverride(options.role),
          ...(options.config ? { file: options.config } : {}),
        });
        // process.stdout is synchronous for files and pipes on Linux: lines keep their order and the
        // last ones (why it stopped) are not lost at exit, unlike pino's asynchronous default.
        logger = createLogger({
          level: config.log.level,
          name: 'tickline',
          destination: logDestination(config.log.format),
        });
        // Loaded here so `tickline version` and `--help` do not pay for Fastify and the adapters.
        const { bootstrap } = await import('../bootstrap/bootstrap.ts');
        await bootstrap(config, { logger, metrics: createMetricsRegistry() });
        // Running: the exit comes from the signal handlers.
        setExitCode(undefined);
      } catch (error) {
        logger?.fatal({ err: error }, 'tickline failed to start');
        setExitCode(reportCommandError(io, error));
      }
    });
}
