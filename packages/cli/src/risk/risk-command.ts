/**
 * @module `tickline kill-switch status|engage|release`: a portfolio's kill switch from the command
 * line. By default through a running server's API as the credential's user — the owner's hand, or
 * the admin hand with an admin's credential and `--admin` (kill-switch-over-api.ts); with
 * `--direct` (or `--data-dir`) straight on the store as the operator's admin hand, for when no
 * server answers (the composer's {@link LocalKillSwitch}).
 */
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { configOption } from '../options.ts';
import type { RegisterCommand } from '../program.ts';
import { KillSwitchAction, killSwitchRoute, type KillSwitchCommandOptions } from './kill-switch-options.ts';
import { haltProofOverApi, killSwitchOverApi } from './kill-switch-over-api.ts';

/** The composer's half: the operator's admin hand straight on the store (`--direct`). */
export interface LocalKillSwitch {
  runKillSwitch(io: CliIo, action: KillSwitchAction, options: KillSwitchCommandOptions): Promise<void>;
}

const WHICH_WAY = `
Through the API (the default), on a running server, as the credential's user:
  the owner engages and releases their own hand; an admin's credential moves the admin hand, and
  the command must say so with --admin (an admin's API key needs the admin scope). An owner's
  release leaves an admin's hand holding. The server is --url, else TICKLINE_URL, else the HTTP
  port of --config on 127.0.0.1, else http://127.0.0.1:8080; the credential is --token, else
  TICKLINE_TOKEN (an access token or an API key with portfolio:read, and portfolio:write to move).
Directly on the store (--direct, or --data-dir DIR), for an operator when no server answers:
  always the admin hand, audited as --by. The embedded database opens only while the server is
  stopped (its next start enforces the switch); PostgreSQL (--config) also under a running cluster.

Exit code 0 when done, 1 when the server refuses (its code and message are printed), cannot be
reached, or moved another hand; 2 for a usage mistake (nothing changed).`;

const EXAMPLES = `
Examples:
  export TICKLINE_TOKEN=tkl_live_…                     # the owner's API key or access token
  tickline kill-switch engage --reason "runaway strategy"
  tickline kill-switch engage --flatten --reason "leaving"    # and close every position
  tickline kill-switch proof                                  # the latest halt's proof
  tickline kill-switch engage --admin --scope everything --reason "venue outage" --flatten
  tickline kill-switch status
  tickline kill-switch release --reason "fixed" --json
  tickline kill-switch engage --admin --portfolio 0192… --reason "abuse" --token <an admin's>
  tickline kill-switch status --portfolio 0192… --data-dir ./data    # the server is stopped`;

/** `kill-switch`, acting `--direct` through `direct` (loaded only then: the store is heavy). */
export const killSwitchCommand =
  (direct: () => Promise<LocalKillSwitch>): RegisterCommand =>
  (program, io, setExitCode) => {
    const command = program
      .command('kill-switch')
      .description(
        "a portfolio's kill switch: show it, engage or release your hand (or, as an admin, the admin hand)",
      )
      .addHelpText('after', `${WHICH_WAY}\n${EXAMPLES}`);
    const sub = (action: KillSwitchAction, description: string) => {
      const c = command
        .command(action)
        .description(description)
        .option('--portfolio <id>', "the portfolio (default over the API: the credential's own one)");
      if (action !== KillSwitchAction.Status)
        c.requiredOption('--reason <words>', 'why (kept in the audit; at most 200 characters)').option(
          '--admin',
          "move the admin hand (the credential must be an admin's; needs --portfolio)",
        );
      c.option('--json', 'print the switch as JSON')
        .option('--url <url>', 'the server (default TICKLINE_URL, else http://127.0.0.1:8080)')
        .option('--token <credential>', 'an access token or API key (default TICKLINE_TOKEN)')
        .option('--direct', 'act on the configured store, not through a server (the admin hand)')
        .option(
          '--data-dir <dir>',
          'act on the embedded database in DIR, the server stopped (implies --direct)',
        )
        .addOption(configOption());
      if (action !== KillSwitchAction.Status)
        c.option('--by <name>', 'with --direct: who, for the audit (default: $USER or "operator")');
      if (action === KillSwitchAction.Engage)
        c.option('--flatten', 'also close every position at market; the halt proof shows the time to flat')
          .option(
            '--scope <scope>',
            "over many portfolios: account (yours, or --user's as an admin), venue (--venue's), everything (--admin)",
          )
          .option('--venue <name>', 'with --scope venue: paper, or a bound venue such as binance-spot')
          .option('--user <id>', 'with --scope account: whose account (an admin)');
      c.addHelpText('after', `${WHICH_WAY}\n${EXAMPLES}`).action(async (options: KillSwitchCommandOptions) =>
        setExitCode(
          await runCommand(io, async () => {
            if (killSwitchRoute(action, options) === 'direct')
              return (await direct()).runKillSwitch(io, action, options);
            return killSwitchOverApi(io, action, options);
          }),
        ),
      );
    };
    sub(KillSwitchAction.Status, 'show both hands on the switch and the latest audited changes');
    sub(
      KillSwitchAction.Engage,
      "engage your hand: the portfolio's new orders are refused, working orders cancelled",
    );
    sub(KillSwitchAction.Release, 'release your hand (the other hand, if engaged, still holds)');
    command
      .command('proof [haltId]')
      .description(
        "a halt's proof, built from the order journal now (default: the portfolio's latest): no order after the switch, every working order cancelled by the venue, and with --flatten every position closed",
      )
      .option('--portfolio <id>', "without a halt id: the portfolio (default: the credential's own one)")
      .option('--json', 'print the proofs as JSON')
      .option('--url <url>', 'the server (default TICKLINE_URL, else http://127.0.0.1:8080)')
      .option('--token <credential>', 'an access token or API key (default TICKLINE_TOKEN)')
      .addOption(configOption())
      .action(async (haltId: string | undefined, options: KillSwitchCommandOptions) =>
        setExitCode(await runCommand(io, () => haltProofOverApi(io, haltId, options))),
      );
  };
