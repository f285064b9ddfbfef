/** @module What `tickline kill-switch` does (see risk-command.ts). */
import { isKillSwitchEngaged, SqlRiskControls, type RiskChange } from '@tickline/trading';
import { ServerError } from '../../errors.ts';
import type { CliIo } from '../io.ts';
import { withCandleStore } from '../market/market-actions.ts';

export interface KillSwitchCommandOptions {
  config?: string;
  portfolio: string;
  reason?: string;
  by?: string;
  json?: boolean;
}

/** Runs one `kill-switch` subcommand. */
export async function runKillSwitch(
  io: CliIo,
  action: 'status' | 'engage' | 'release',
  options: KillSwitchCommandOptions,
): Promise<void> {
  if (options.portfolio.trim() === '')
    throw new ServerError('SERVER_INVALID_ARGUMENT', '--portfolio: expected a portfolio id');
  await withCandleStore(io, options.config, async (sql) => {
    const controls = new SqlRiskControls(sql);
    if (action !== 'status') {
      const change: RiskChange = {
        actor: 'admin',
        by: options.by ?? io.env.USER ?? 'operator',
        at: Date.now(),
        reason: options.reason ?? '',
      };
      if (action === 'engage') await controls.engage(options.portfolio, change);
      else await controls.release(options.portfolio, change);
    }
    const { killSwitch } = await controls.read(options.portfolio);
    const audit = await controls.audit(options.portfolio, 5);
    if (options.json) {
      io.out(`${JSON.stringify({ engaged: isKillSwitchEngaged(killSwitch), ...killSwitch, audit })}\n`);
      return;
    }
    const hand = (name: string, h: typeof killSwitch.user) =>
      h === undefined
        ? `${name}: off`
        : `${name}: engaged by ${h.by} at ${new Date(h.at).toISOString()} (${h.reason})`;
    io.out(
      [
        `kill switch of ${options.portfolio}: ${isKillSwitchEngaged(killSwitch) ? 'ENGAGED' : 'off'}`,
        `  ${hand('owner', killSwitch.user)}`,
        `  ${hand('admin', killSwitch.admin)}`,
        ...audit.map(
          (e) => `  ${new Date(e.at).toISOString()} ${e.action} by ${e.by} (${e.actor}): ${e.reason}`,
        ),
      ].join('\n') + '\n',
    );
  });
}
