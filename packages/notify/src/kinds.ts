/** @module The closed sets of notify: notification kinds, channels and severities. */

/**
 * What a notification is about. A rule maps a kind to channels. Kinds are coarser than event
 * types: every identity security event is one kind, `security`.
 */
export const NotificationKind = {
  AccountReady: 'account.ready',
  /** A verification link for the user's email (identity): email only, never held. */
  EmailVerification: 'account.email_verification',
  Security: 'security',
  BacktestCompleted: 'backtest.completed',
  StrategySignal: 'strategy.signal',
  OrderFilled: 'order.filled',
  SourceDown: 'market.source.down',
  AdminNotice: 'admin.notice',
  /** notify disabled one of the user's webhook endpoints (410, or failing for days). */
  EndpointDisabled: 'webhook.disabled',
  /** A test send from the API (`POST /api/v1/webhooks/:id/test`). */
  Test: 'test',
  /** Several held notifications sent as one, when quiet hours end or the rate limit resets. */
  Digest: 'digest',
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];

/** Kinds a user can write rules for (digest and test are made by notify itself). */
export const RULE_KINDS: readonly NotificationKind[] = [
  NotificationKind.AccountReady,
  NotificationKind.Security,
  NotificationKind.BacktestCompleted,
  NotificationKind.StrategySignal,
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
