/**
 * @module The options of `tickline kill-switch` and the way a run goes: over a running server's
 * API as the credential's user (the default), or straight on the store as the operator's admin
 * hand (`--direct`, or `--data-dir DIR`). Options of the other way are refused, not ignored.
 */
import { CliError } from '../cli-errors.ts';
import type { ApiOptions } from '../api/api-client.ts';

export const KillSwitchAction = { Status: 'status', Engage: 'engage', Release: 'release' } as const;
export type KillSwitchAction = (typeof KillSwitchAction)[keyof typeof KillSwitchAction];

/** Longest `--reason` the API takes (`KillSwitchBodySchema`); the store keeps the same. */
export const MAX_REASON_CHARS = 200;

export interface KillSwitchCommandOptions extends ApiOptions {
  /** The portfolio; over the API the caller's own one when omitted (not with `--admin`). */
  portfolio?: string;
  /** Why (engage, release): kept in the audit. */
  reason?: string;
  /** Act with the admin hand: the credential must be an admin's (over the API). */
  admin?: boolean;
  json?: boolean;
  /** Straight on the configured store, not through a server. */
  direct?: boolean;
  /** The embedded data directory to act on (implies `direct`). */
  dataDir?: string;
  /** Config file: the store with `direct`, else the server's port when no URL is named. */
  config?: string;
  /** Who, for the audit of a direct change. */
  by?: string;
  /** Engage: close every position at market too (over the API only). */
  flatten?: boolean;
  /** Engage over many portfolios: an account's, a venue's, or every one (admins). */
  scope?: string;
  /** With `scope: venue`: `paper` or a bound venue's name. */
  venue?: string;
  /** With `scope: account`: whose (an admin naming another account). */
  user?: string;
}

/** What `--scope` takes. */
export const HALT_SCOPES = ['account', 'venue', 'everything'] as const;

/** The way a run goes. */
export type KillSwitchRoute = 'api' | 'direct';

const bad = (message: string) => new CliError('SERVER_INVALID_ARGUMENT', message);

/** Which way `options` go; a contradiction or a malformed value fails naming the options. */
export function killSwitchRoute(
  action: KillSwitchAction,
  options: KillSwitchCommandOptions,
): KillSwitchRoute {
  if (options.portfolio !== undefined && options.portfolio.trim() === '')
    throw bad('--portfolio: expected a portfolio id');
  if (action !== KillSwitchAction.Status) {
    const reason = options.reason?.trim() ?? '';
    if (reason === '') throw bad('--reason: say why (it is kept in the audit)');
    if (reason.length > MAX_REASON_CHARS) throw bad(`--reason: at most ${MAX_REASON_CHARS} characters`);
  }
  const direct = options.direct === true || options.dataDir !== undefined;
  if (direct) {
    const apiOnly = [options.url !== undefined && '--url', options.token !== undefined && '--token'];
    const named = apiOnly.filter((o): o is string => o !== false);
    if (named.length > 0)
      throw bad(
        `${named.join(' and ')} and --direct (--data-dir) are mutually exclusive: a direct run uses no server`,
      );
    if (options.portfolio === undefined) throw bad('--portfolio is needed with --direct (--data-dir)');
    if (options.flatten === true)
      throw bad(
        '--flatten and --direct (--data-dir) are mutually exclusive: closing positions needs the running server',
      );
    return 'direct';
  }
  if (options.by !== undefined)
    throw bad("--by is for --direct: over the API the audit names the credential's user");
  if (options.flatten === true && action !== KillSwitchAction.Engage) throw bad('--flatten goes with engage');
  checkScope(action, options);
  if (options.admin === true && options.portfolio === undefined)
    throw bad('--admin needs --portfolio: whose switch?');
  return 'api';
}

/** `--scope` and the options that go with it; a contradiction fails naming the options. */
function checkScope(action: KillSwitchAction, o: KillSwitchCommandOptions): void {
  if (o.scope === undefined) {
    if (o.venue !== undefined || o.user !== undefined) throw bad('--venue and --user go with --scope');
    return;
  }
  if (action !== KillSwitchAction.Engage) throw bad('--scope goes with engage (release is per portfolio)');
  if (!(HALT_SCOPES as readonly string[]).includes(o.scope))
    throw bad(`--scope: expected one of ${HALT_SCOPES.join(', ')}`);
  if (o.portfolio !== undefined) throw bad('--scope and --portfolio are mutually exclusive');
  if (o.direct === true || o.dataDir !== undefined)
    throw bad('--scope and --direct (--data-dir) are mutually exclusive: a scope needs the running server');
  if (o.scope === 'venue' && o.venue === undefined)
    throw bad('--scope venue needs --venue (paper, binance-spot…)');
  if (o.scope !== 'venue' && o.venue !== undefined) throw bad('--venue goes with --scope venue');
  if (o.scope !== 'account' && o.user !== undefined) throw bad('--user goes with --scope account');
  if (o.scope === 'everything' && o.admin !== true)
    throw bad("--scope everything is an admin's: say so with --admin");
}
