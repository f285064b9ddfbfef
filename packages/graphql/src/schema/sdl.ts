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

export const SDL = [
  COMMON_SDL,
  ACCOUNT_SDL,
  MARKET_SDL,
  STRATEGY_SDL,
  TRADING_SDL,
  NOTIFY_SDL,
  ADMIN_SDL,
  SUBSCRIPTION_SDL,
].join('\n');
