/** @module The closed sets of notify: notification kinds, channels and severities. */

import { NotificationKind } from '@tickline/protocol';

/** What a notification is about: the closed set is the wire contract's (`@tickline/protocol`). */
export { NotificationKind };

/** Kinds a user can write rules for (digest and test are made by notify itself). */
export const RULE_KINDS: readonly NotificationKind[] = [
  NotificationKind.AccountReady,
  NotificationKind.Security,
  NotificationKind.BacktestCompleted,
  NotificationKind.StrategySignal,
  NotificationKind.StrategyPaused,
  NotificationKind.StrategyParity,
  NotificationKind.StrategyDataHealth,
  NotificationKind.OrderFilled,
  NotificationKind.SourceDown,
  NotificationKind.AdminNotice,
];
export const ALL_KINDS: readonly NotificationKind[] = Object.values(NotificationKind);

/** Where a notification can go. */
export const Channel = {
  InApp: 'in_app',
  Email: 'email',
  Webhook: 'webhook',
  Sms: 'sms',
  Push: 'push',
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];
export const CHANNELS: readonly Channel[] = Object.values(Channel);

/**
 * How a notification is treated. `critical` ignores quiet hours and the rate limit (security);
 * `urgent` may use SMS when the user's rule for the kind says urgent.
 */
export const Severity = { Info: 'info', Urgent: 'urgent', Critical: 'critical' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];
export const SEVERITIES: readonly Severity[] = Object.values(Severity);

/** Tiers as identity names them (kept as strings: notify does not depend on identity). */
export const NotifyTier = { Free: 'free', Premium: 'premium', Enterprise: 'enterprise' } as const;
export type NotifyTier = (typeof NotifyTier)[keyof typeof NotifyTier];
