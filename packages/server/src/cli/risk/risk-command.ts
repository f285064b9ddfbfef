/**
 * @module `tickline kill-switch status|engage|release`: the operator's hand on a portfolio's kill
 * switch, straight on the configured store — the admin hand, audited as `--by` — for when the API
 * is not the way in (a runaway strategy, a server that will not start). On PostgreSQL it acts on a
 * running cluster (every process reads the switch before its next order); the embedded database
 * opens only while the server is stopped, and the next start enforces it.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../../exit-code.ts';
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { KillSwitchCommandOptions } from './risk-actions.ts';

export function registerKillSwitchCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  const actions = async () => import('./risk-actions.ts');
  const command = program
    .command('kill-switch')
    .description("a portfolio's kill switch: show it, engage or release the admin hand (audited)");
  const sub = (name: 'status' | 'engage' | 'release', description: string) => {
    const c = command
      .command(name)
      .description(description)
      .addOption(configOption())
      .requiredOption('--portfolio <id>', 'the portfolio (a paper portfolio is its owner’s user id)');
    if (name !== 'status')
      c.requiredOption('--reason <words>', 'why (kept in the audit)').option(
        '--by <name>',
        'who, for the audit (default: $USER or "operator")',
      );
    c.option('--json', 'print the switch as JSON').action(async (options: KillSwitchCommandOptions) =>
      setExitCode(await runCommand(io, async () => (await actions()).runKillSwitch(io, name, options))),
    );
  };
  sub('status', 'show who holds the switch and the latest audited changes');
  sub('engage', 'engage the admin hand: every process refuses the portfolio’s new orders');
  sub('release', 'release the admin hand (the owner’s hand, if engaged, still holds)');
}
