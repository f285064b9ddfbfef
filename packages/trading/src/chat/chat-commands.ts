/**
 * @module What a chat message does: `/link CODE` (or Telegram's `/start CODE` deep link) links the
 * chat to the code's account; from a linked chat `/status`, `/profit` (scope portfolio:read) and
 * `/pause`, `/resume`, `/forceexit`, `/stopentry`, `/killswitch` (portfolio:write) act on the account's live runs
 * through the same actions as the REST routes (live-actions.ts), as the owner and never as an
 * admin, each checked against the scopes the link was granted. The answer is the reply's text.
 */
import { isTicklineError, type Clock } from '@tickline/kernel';
import { ApiKeyScope } from '@tickline/protocol';
import type { LiveRunStatus } from '../live/live-runner-types.ts';
import type { LiveActions } from '../live-http/live-actions.ts';
import type { LiveCaller } from '../live-http/live-options.ts';
import type { ProfitSummary } from '../portfolio/profit-summary.ts';
import type { ChatLink, ChatProvider, SqlChatLinks } from './chat-links.ts';

/** Wrong or stale link codes one chat may send in {@link LINK_TRY_WINDOW_MS} before it is ignored. */
export const LINK_TRIES = 5;
export const LINK_TRY_WINDOW_MS = 600_000;
/** How long /forceexit waits for its fills before answering with the orders as they are. */
const FORCE_EXIT_WAIT_MS = 5_000;

export interface ChatCommandsOptions {
  provider: ChatProvider;
  links: SqlChatLinks;
  actions: LiveActions;
  /** A portfolio's profit summary (results-routes.ts's, over the journal). */
  profit: (portfolioId: string) => Promise<ProfitSummary>;
  /**
   * Engages the kill switch over the caller's own portfolios (the halt routes' service: runs
   * paused, working orders cancelled, with `flatten` positions closed) and answers its reply.
   */
  killSwitch: (caller: LiveCaller, flatten: boolean) => Promise<string>;
  clock: Clock;
}

/** One incoming chat message. */
export interface ChatMessage {
  chatId: string;
  text: string;
  /** The chat's title or @username, kept with a link. */
  label: string;
}

const HELP = [
  '/status — your live runs',
  '/profit — realized and unrealized profit of your portfolio',
  '/pause [n] · /resume [n] — pause or resume run n of /status',
  '/forceexit [n] [SYMBOL] — close run n’s positions at market',
  '/stopentry [n] [on|off] — stop (or allow) new entries of run n; exits go on',
  '/killswitch [flatten] — halt your portfolio: pause every run, cancel working orders (and close positions)',
  '/unlink — forget this chat',
].join('\n');
const NOT_LINKED =
  'This chat is not linked to a Tickline account. In the dashboard open API keys → Chat control, make a link code and send /link CODE here.';

const money = (v: number) => (v >= 0 ? '+' : '') + v.toFixed(2);
const runLine = (r: LiveRunStatus, i: number) =>
  `${i + 1}. ${r.strategyName ?? r.strategyId} v${r.version} — ${r.state}${r.pause ? ` (${r.pause.reason})` : ''}${r.stopEntry ? ', stop-entry' : ''} · ${r.candles} candles · ${r.signals} signals`;

/** What each command needs of the link's scopes. */
const NEEDS: Record<string, ApiKeyScope> = {
  status: ApiKeyScope.PortfolioRead,
  profit: ApiKeyScope.PortfolioRead,
  pause: ApiKeyScope.PortfolioWrite,
  resume: ApiKeyScope.PortfolioWrite,
  forceexit: ApiKeyScope.PortfolioWrite,
  stopentry: ApiKeyScope.PortfolioWrite,
  killswitch: ApiKeyScope.PortfolioWrite,
};

export function createChatCommands(o: ChatCommandsOptions) {
  const tries = new Map<string, { count: number; since: number }>();
  /** False once the chat used up its link attempts in the window. */
  const mayTry = (chatId: string): boolean => {
    const now = o.clock.now();
    const t = tries.get(chatId);
    if (t === undefined || now - t.since > LINK_TRY_WINDOW_MS) {
      tries.set(chatId, { count: 1, since: now });
      return true;
    }
    t.count += 1;
    return t.count <= LINK_TRIES;
  };

  const link = async (message: ChatMessage, code: string | undefined): Promise<string | undefined> => {
    if (!code) return `Send /link CODE with a code from the dashboard (API keys → Chat control).\n\n${HELP}`;
    if (!mayTry(message.chatId)) return undefined;
    const linked = await o.links.redeem(o.provider, code, message.chatId, message.label, o.clock.now());
    if (linked === undefined)
      return 'That code is unknown, used or expired: make a new one in the dashboard.';
    tries.delete(message.chatId);
    return `Linked. This chat may ${linked.scopes.includes(ApiKeyScope.PortfolioWrite) ? 'read and control' : 'read'} your live runs.\n\n${HELP}`;
  };

  /** Run `arg` of the caller's runs: its number in /status, its id, or the only one. */
  const pick = async (caller: LiveCaller, arg: string | undefined): Promise<LiveRunStatus | string> => {
    const runs = (await o.actions.listRuns(caller.userId)).sort((a, b) => a.id.localeCompare(b.id));
    if (runs.length === 0) return 'You have no live runs.';
    if (arg === undefined)
      return runs.length === 1 ? runs[0]! : `Which run? ${runs.length} are listed by /status.`;
    const byNumber = /^\d+$/.test(arg) ? runs[Number(arg) - 1] : undefined;
    return byNumber ?? runs.find((r) => r.id === arg) ?? `No run ${arg}: /status lists yours.`;
  };

  const act = async (linked: ChatLink, command: string, args: string[]): Promise<string> => {
    const caller: LiveCaller = { userId: linked.userId, admin: false };
    if (command === 'status') {
      const runs = (await o.actions.listRuns(caller.userId)).sort((a, b) => a.id.localeCompare(b.id));
      return runs.length === 0 ? 'You have no live runs.' : runs.map(runLine).join('\n');
    }
    if (command === 'profit') {
      const portfolios = [...new Set((await o.actions.listRuns(caller.userId)).map((r) => r.portfolioId))];
      if (portfolios.length === 0) portfolios.push(caller.userId);
      const lines: string[] = [];
      for (const portfolioId of portfolios) {
        await o.actions.owned(caller, portfolioId, 'oversee');
        const p = await o.profit(portfolioId);
        lines.push(
          `${portfolios.length > 1 ? `${portfolioId}: ` : ''}realized ${money(p.realized)}, unrealized ${money(p.unrealized)}, fees ${p.fees.toFixed(2)} · ${p.trades} closed trades (${p.wins} won, ${p.losses} lost), ${p.openTrades} open`,
        );
      }
      return lines.join('\n');
    }
    if (command === 'killswitch') return o.killSwitch(caller, args[0]?.toLowerCase() === 'flatten');
    const run = await pick(caller, args[0]);
    if (typeof run === 'string') return run;
    const name = `${run.strategyName ?? run.strategyId} v${run.version}`;
    if (command === 'pause') return `${name}: ${(await o.actions.pause(caller, run.id)).state}.`;
    if (command === 'resume') return `${name}: ${(await o.actions.resume(caller, run.id)).state}.`;
    if (command === 'stopentry') {
      const on = (args[1] ?? 'on').toLowerCase() !== 'off';
      const status = await o.actions.stopEntry(caller, run.id, on);
      return `${name}: stop-entry ${status.stopEntry ? 'on: no new entries, exits go on' : 'off: entries allowed'}.`;
    }
    // forceexit
    const orders = await o.actions.forceExit(caller, run.id, args[1]?.toUpperCase(), FORCE_EXIT_WAIT_MS);
    if (orders.length === 0) return `${name}: no open position to close.`;
    return orders
      .map(
        (order) =>
          `${name}: ${order.side} ${order.quantity} ${order.symbol} ${order.status}${order.filledQuantity > 0 ? ` at ${(order.filledQuote / order.filledQuantity).toFixed(2)}` : ''}`,
      )
      .join('\n');
  };

  return {
    /** The reply to `message`, or undefined when none is due (not a command, or link tries used up). */
    async handle(message: ChatMessage): Promise<string | undefined> {
      const [head = '', ...args] = message.text.trim().split(/\s+/);
      if (!head.startsWith('/')) return undefined;
      // `/status@my_bot` in a group names the bot.
      const command = head.slice(1).split('@')[0]!.toLowerCase();
      if (command === 'link' || command === 'start') return link(message, args[0]);
      const linked = await o.links.get(o.provider, message.chatId);
      if (linked === undefined) return NOT_LINKED;
      if (command === 'unlink') {
        await o.links.remove(o.provider, message.chatId);
        return 'Unlinked: this chat no longer reaches your account.';
      }
      const needs = NEEDS[command];
      if (needs === undefined) return HELP;
      if (!linked.scopes.includes(needs))
        return `This chat may not /${command}: its link lacks ${needs}. Link it again with that scope.`;
      try {
        return await act(linked, command, args);
      } catch (error) {
        if (isTicklineError(error)) return `Refused: ${error.message} (${error.code})`;
        throw error;
      }
    },
  };
}

export type ChatCommands = ReturnType<typeof createChatCommands>;
