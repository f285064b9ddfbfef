/**
 * @module Chat control composed for the trading host: the link store, the routes' options and,
 * when a bot token is configured, the Telegram side acting on live runs through the live routes'
 * own actions: in poll mode the poller on the process with `poll` (one: Telegram answers one long
 * poll per bot); in webhook mode the webhook route's updates on every process, the webhook
 * registered by the one with `poll`.
 */
import type { Clock, Service } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { SqlHaltStore } from '../halt/halt-store.ts';
import { haltServiceFor } from '../live-http/halt-service-for.ts';
import { createLiveActions } from '../live-http/live-actions.ts';
import type { LiveRoutesOptions } from '../live-http/live-options.ts';
import { resultsOf } from '../live-http/results-routes.ts';
import { profitSummary } from '../portfolio/profit-summary.ts';
import { createChatCommands } from './chat-commands.ts';
import { SqlChatLinks } from './chat-links.ts';
import { SqlChatUpdateIds } from './chat-update-ids.ts';
import type { ChatRoutesOptions } from './chat-routes.ts';
import type { ChatSettings } from './chat-settings.ts';
import { createTelegramApi } from './telegram-api.ts';
import { TelegramPoller } from './telegram-poller.ts';
import { TelegramUpdates } from './telegram-updates.ts';
import { TelegramWebhook } from './telegram-webhook.ts';

export interface ChatControlDeps {
  settings: ChatSettings;
  sql: Sql;
  live: Omit<LiveRoutesOptions, 'prefix'>;
  clock: Clock;
  /** Test seam: the Bot API's HTTP client. @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface ChatControl {
  routes: ChatRoutesOptions;
  services: Service[];
  poller?: TelegramPoller;
  webhook?: TelegramWebhook;
}

export function composeChatControl(deps: ChatControlDeps): ChatControl {
  const links = new SqlChatLinks(deps.sql);
  const { token, apiUrl, poll, mode, webhookUrl, webhookSecret, pollSeconds, linkCodeTtlMs } =
    deps.settings.telegram;
  const base = { links, authenticate: deps.live.authenticate, now: () => deps.clock.now() };
  if (token === undefined) return { routes: base, services: [] };
  const { journal, books } = deps.live;
  // The halt routes' service (halt-routes.ts): the same engagement, records and proof.
  const halts = haltServiceFor(deps.live, new SqlHaltStore(deps.sql), () => deps.clock.now());
  const commands = createChatCommands({
    provider: 'telegram',
    links,
    actions: createLiveActions(deps.live),
    profit: async (portfolioId) => {
      const { closed, open } = await resultsOf(journal, portfolioId, {});
      return profitSummary(closed, open, (symbol) => books.position(portfolioId, symbol)?.markPrice);
    },
    clock: deps.clock,
    killSwitch: async (caller, flatten) => {
      const portfolioIds = await deps.live.portfoliosOf(caller.userId);
      if (portfolioIds.length === 0) return 'You have no portfolio.';
      const { portfolios } = await halts.engage({
        portfolioIds,
        scope: 'portfolio',
        change: {
          actor: 'user',
          by: caller.userId,
          at: deps.clock.now(),
          reason: 'engaged from a linked Telegram chat',
        },
        flatten,
      });
      return portfolios
        .map(
          (p) =>
            `Kill switch engaged on ${p.portfolioId}: runs paused, ${p.cancelled} working orders cancelled${flatten ? `, ${p.proof.flat?.closes.length ?? 0} positions closing` : ''}; ${p.proof.halted ? 'halt proven' : `not yet proven: ${p.proof.problems.join('; ')}`}. Release it in the dashboard.`,
        )
        .join('\n');
    },
  });
  const api = createTelegramApi({ token, apiUrl, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  // One record of update ids for both ways in and every process, beside the links: an update is
  // acted on once however, and wherever, it arrives.
  const ids = new SqlChatUpdateIds({
    sql: deps.sql,
    provider: 'telegram',
    botId: token.split(':')[0]!,
    now: () => deps.clock.now(),
  });
  const updates = new TelegramUpdates(api, commands, ids);
  const telegram = { linkCodeTtlMs };
  if (mode === 'webhook') {
    // The settings refuse webhook mode without its address and secret.
    const webhook = new TelegramWebhook({
      api,
      updates,
      url: webhookUrl!,
      secret: webhookSecret!,
      register: poll,
    });
    return {
      routes: { ...base, telegram: { ...telegram, username: () => webhook.username, webhook } },
      services: [webhook],
      webhook,
    };
  }
  // Every process with the token makes link codes; only the polling one knows the bot's name.
  const poller = poll ? new TelegramPoller({ api, updates, pollSeconds }) : undefined;
  return {
    routes: { ...base, telegram: { ...telegram, username: () => poller?.username } },
    services: poller === undefined ? [] : [poller],
    ...(poller === undefined ? {} : { poller }),
  };
}
