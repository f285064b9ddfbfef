/**
 * @module `tickline kill-switch … --direct` (or `--data-dir DIR`): the operator's admin hand
 * straight on the configured store, audited as `--by`, for when no server answers (see
 * risk-command.ts). The embedded database opens only while no server holds it.
 */
import { isTicklineError, TicklineError } from '@tickline/kernel';
import { isStoreLockedError } from '@tickline/store';
import { SqlRiskControls, type RiskChange } from '@tickline/trading';
import {
  engaged,
  formatKillSwitch,
  type CliIo,
  type KillSwitchAction,
  type KillSwitchCommandOptions,
} from '@tickline/cli';
import { withCandleStore } from '../market/market-actions.ts';

/** Runs one `kill-switch` subcommand on the store (`options.portfolio` is set: see killSwitchRoute). */
export async function runKillSwitch(
  io: CliIo,
  action: KillSwitchAction,
  options: KillSwitchCommandOptions,
): Promise<void> {
  const portfolio = options.portfolio!;
  const env = options.dataDir === undefined ? io.env : { ...io.env, TICKLINE_DATA_DIR: options.dataDir };
  try {
    await withCandleStore({ ...io, env }, options.config, async (sql) => {
      const controls = new SqlRiskControls(sql);
      if (action !== 'status') {
        const change: RiskChange = {
          actor: 'admin',
          by: options.by ?? io.env.USER ?? 'operator',
          at: Date.now(),
          reason: options.reason!.trim(),
        };
        if (action === 'engage') await controls.engage(portfolio, change);
        else await controls.release(portfolio, change);
      }
      const { killSwitch } = await controls.read(portfolio);
      const audit = (await controls.audit(portfolio, 50)).map(({ portfolioId: _p, ...entry }) => entry);
      io.out(
        options.json
          ? `${JSON.stringify({ portfolio, engaged: engaged(killSwitch), ...killSwitch, audit })}\n`
          : formatKillSwitch(portfolio, killSwitch, audit),
      );
    });
  } catch (error) {
    if (!isStoreLockedError(error) || !isTicklineError(error)) throw error;
    throw new TicklineError(
      error.code,
      `${error.message}: a running server holds it, so go through its API instead (drop --direct/--data-dir; --token or TICKLINE_TOKEN)`,
      { cause: error },
    );
  }
}
