/**
 * @module The schema's types (SDL), one part per domain. Lists are Relay connections; fields that
 * need a credential say which scope in their description, as REST's routes do.
 */
import { ACCOUNT_SDL } from './sdl/account.ts';
import { ADMIN_SDL } from './sdl/admin.ts';
import { COMMON_SDL } from './sdl/common.ts';
import { MARKET_SDL } from './sdl/market.ts';
import { NOTIFY_SDL } from './sdl/notify.ts';
import { STRATEGY_SDL } from './sdl/strategy.ts';
import { SUBSCRIPTION_SDL } from './sdl/subscriptions.ts';
import { TRADING_SDL } from './sdl/trading.ts';

/** The parts by name, in the order they are joined (the SDK's generated types follow them). */
export const SDL_PARTS: Readonly<Record<string, string>> = {
  common: COMMON_SDL,
  account: ACCOUNT_SDL,
  market: MARKET_SDL,
  strategy: STRATEGY_SDL,
  trading: TRADING_SDL,
  notify: NOTIFY_SDL,
  admin: ADMIN_SDL,
  subscriptions: SUBSCRIPTION_SDL,
};

export const SDL = Object.values(SDL_PARTS).join('\n');
