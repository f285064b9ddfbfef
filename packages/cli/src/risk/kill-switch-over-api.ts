/**
 * @module `tickline kill-switch status|engage|release` through a running server's API (the
 * default), as the credential's user: an owner moves their own hand, an admin — saying so with
 * `--admin` — the admin hand (the route decides the hand by the caller; the command checks first
 * that the caller is who the command line says, and after that the asked-for hand moved).
 */
import { isTicklineError, TicklineError } from '@tickline/kernel';
import {
  Role,
  type HaltProofView,
  type HaltResponse,
  type KillSwitchView,
  type PortfolioRisk,
  type PortfolioSummary,
  type PublicUser,
} from '@tickline/protocol';
import { CliError } from '../cli-errors.ts';
import { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';
import { apiClient, DEFAULT_API_URL, localApiUrl, type ApiCall, type ApiOptions } from '../api/api-client.ts';
import { formatHaltProof } from './halt-proof-format.ts';
import { formatKillSwitch } from './kill-switch-format.ts';
import { KillSwitchAction, type KillSwitchCommandOptions } from './kill-switch-options.ts';

const bad = (message: string) => new CliError('SERVER_INVALID_ARGUMENT', message);

/** The server: `--url`, TICKLINE_URL, `--config`'s HTTP port on 127.0.0.1, else the default. */
export function killSwitchApi(io: CliIo, o: KillSwitchCommandOptions): ApiOptions & { url: string } {
  let url = o.url ?? io.env.TICKLINE_URL;
  if (url === undefined && o.config !== undefined) url = localApiUrl(io, o.config);
  return {
    ...(o.token === undefined ? {} : { token: o.token }),
    url: (url ?? DEFAULT_API_URL).replace(/\/+$/, ''),
  };
}

/** The deepest cause: fetch's `TypeError: fetch failed` hides the `connect ECONNREFUSED …` below it. */
function rootCause(error: unknown): unknown {
  let e = error;
  while (e instanceof Error && e.cause !== undefined) e = e.cause;
  return e;
}

/** `call`, with a server that does not answer and a refused credential said in so many words. */
function readable(call: ApiCall, url: string): ApiCall {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    try {
      return await call<T>(method, path, body);
    } catch (error) {
      if (isTicklineError(error, 'SERVER_API_UNREACHABLE'))
        throw new CliError(
          'SERVER_API_UNREACHABLE',
          `no server answers at ${url}: is \`tickline start\` running? (--url or TICKLINE_URL names another; with the server stopped, --direct acts on its store)`,
          { cause: rootCause(error) },
        );
      if (isTicklineError(error) && error.code.startsWith('AUTH_'))
        throw new TicklineError(
          error.code,
          `the server at ${url} refused the credential (--token or TICKLINE_TOKEN): ${error.message}`,
        );
      throw error;
    }
  };
}

/** The caller's own portfolio, when they have exactly one. */
async function ownPortfolio(call: ApiCall): Promise<string> {
  const { portfolios } = await call<{ portfolios: PortfolioSummary[] }>('GET', '/portfolios');
  const [only, ...others] = portfolios;
  if (only === undefined)
    throw bad('this credential has no portfolio on the server: name one with --portfolio');
  if (others.length > 0)
    throw bad(
      `this credential has ${portfolios.length} portfolios (${portfolios.map((p) => p.portfolioId).join(', ')}): name one with --portfolio`,
    );
  return only.portfolioId;
}

/** Refuses a command line whose hand is not the one the server would move for `me`. */
function checkHand(me: PublicUser, admin: boolean): void {
  if (admin && me.role !== Role.Admin)
    throw bad(`--admin: ${me.email} is not an admin; without --admin you act with the owner's hand`);
  if (!admin && me.role === Role.Admin)
    throw bad(`${me.email} is an admin: the server moves the admin hand for them, so say so with --admin`);
}

/**
 * `tickline kill-switch proof [haltId]`: a halt's proofs, or the portfolio's latest halts', as the
 * server builds them from the order journal now. Exit code 1 when a proof does not hold.
 */
export async function haltProofOverApi(
  io: CliIo,
  haltId: string | undefined,
  o: KillSwitchCommandOptions,
  fetchFn?: typeof fetch,
): Promise<ExitCode> {
  const api = killSwitchApi(io, o);
  const call = readable(apiClient(io, api, fetchFn), api.url);
  const path =
    haltId !== undefined
      ? `/halts/${encodeURIComponent(haltId)}`
      : `/portfolios/${encodeURIComponent(o.portfolio ?? (await ownPortfolio(call)))}/halts?limit=1`;
  const { proofs } = await call<{ proofs: HaltProofView[] }>('GET', path);
  io.out(
    o.json ? `${JSON.stringify({ proofs })}\n` : proofs.map(formatHaltProof).join('') || 'no halt yet\n',
  );
  return proofs.every((p) => p.halted) ? ExitCode.Ok : ExitCode.Failure;
}

/** `engage --scope …`: the switch over many portfolios, each with its proof; 1 unless all hold. */
async function engageOver(io: CliIo, call: ApiCall, o: KillSwitchCommandOptions): Promise<ExitCode> {
  const answer = await call<HaltResponse>('POST', '/kill-switch', {
    scope: o.scope,
    reason: o.reason!.trim(),
    flatten: o.flatten === true,
    ...(o.venue === undefined ? {} : { venue: o.venue }),
    ...(o.user === undefined ? {} : { userId: o.user }),
  });
  const held = answer.proofs.filter((p) => p.halted).length;
  if (o.json) io.out(`${JSON.stringify(answer)}\n`);
  else
    io.out(
      `engaged over ${o.scope}${(o.venue ?? o.user) ? ` ${o.venue ?? o.user}` : ''}: ${answer.portfolios.length} portfolios, ` +
        `${answer.portfolios.reduce((n, p) => n + p.cancelled, 0)} working orders cancelled; ${held} proven halted\n` +
        answer.proofs.map(formatHaltProof).join('') +
        `read them again: tickline kill-switch proof ${answer.haltId}\n`,
    );
  return held === answer.proofs.length ? ExitCode.Ok : ExitCode.Failure;
}

/** Runs one `kill-switch` subcommand over the API; resolves with the exit code. */
export async function killSwitchOverApi(
  io: CliIo,
  action: KillSwitchAction,
  o: KillSwitchCommandOptions,
  fetchFn?: typeof fetch,
): Promise<ExitCode> {
  const api = killSwitchApi(io, o);
  const call = readable(apiClient(io, api, fetchFn), api.url);
  const admin = o.admin === true;
  // Who the credential is, before anything moves: a wrong token fails here, changing nothing.
  const me = await call<PublicUser>('GET', '/me');
  if (action !== KillSwitchAction.Status) checkHand(me, admin);
  if (o.scope !== undefined) return engageOver(io, call, o);
  const portfolio = o.portfolio ?? (await ownPortfolio(call));
  const path = `/portfolios/${encodeURIComponent(portfolio)}`;

  if (action === KillSwitchAction.Status) {
    const { killSwitch, audit } = await call<PortfolioRisk>('GET', `${path}/risk`);
    io.out(
      o.json
        ? `${JSON.stringify({ portfolio, ...killSwitch, audit })}\n`
        : formatKillSwitch(portfolio, killSwitch, audit, me.id),
    );
    return ExitCode.Ok;
  }

  const move = action === KillSwitchAction.Engage ? 'kill-switch' : 'kill-switch/release';
  const { cancelled, killSwitch, haltId, haltProof } = await call<{
    cancelled: number;
    killSwitch: KillSwitchView;
    haltId?: string;
    haltProof?: HaltProofView;
  }>('POST', `${path}/${move}`, {
    reason: o.reason!.trim(),
    ...(action === KillSwitchAction.Engage ? { flatten: o.flatten === true } : {}),
  });
  const hand = admin ? 'admin' : 'owner';
  const handName = admin ? 'the admin hand' : "the owner's hand";
  const held = killSwitch[admin ? 'admin' : 'user'] !== undefined;
  // The route picks the hand from the credential (an admin's API key without the admin scope is
  // an owner's): the command did what it said only if the asked-for hand is where it was sent.
  const moved = action === KillSwitchAction.Engage ? held : !held;
  if (o.json)
    io.out(
      `${JSON.stringify({ portfolio, action, hand, moved, cancelled, ...killSwitch, ...(haltId === undefined ? {} : { haltId, haltProof }) })}\n`,
    );
  else {
    if (moved && action === KillSwitchAction.Engage)
      io.out(`engaged ${handName}: ${cancelled} working orders cancelled, live runs paused\n`);
    if (moved && action === KillSwitchAction.Release)
      io.out(
        `released ${handName}` +
          (killSwitch.admin !== undefined && !admin
            ? '; the admin hand still holds (only an admin releases it)\n'
            : '\n'),
      );
    io.out(formatKillSwitch(portfolio, killSwitch, [], me.id));
    if (haltProof !== undefined)
      io.out(formatHaltProof(haltProof) + `read it again: tickline kill-switch proof ${haltId}\n`);
  }
  if (!moved) {
    const why = admin
      ? "this credential has no admin power here (an admin's API key needs the admin scope)"
      : 'see the switch above';
    io.err(`error: the server did not move ${handName}: ${why}\n`);
    return ExitCode.Failure;
  }
  return ExitCode.Ok;
}
