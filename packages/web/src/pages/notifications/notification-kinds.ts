/** @module Words for notify's kinds and channels, shared by the inbox and the settings page. */
import { NotificationKind } from '@tickline/protocol';

const KIND_LABELS: Readonly<Record<NotificationKind, string>> = {
  [NotificationKind.AccountReady]: 'Account ready',
  [NotificationKind.EmailVerification]: 'Email verification',
  [NotificationKind.Security]: 'Security',
  [NotificationKind.BacktestCompleted]: 'Backtest completed',
  [NotificationKind.StrategySignal]: 'Strategy signal',
  [NotificationKind.StrategyPaused]: 'Strategy paused',
  [NotificationKind.StrategyParity]: 'Strategy parity',
  [NotificationKind.StrategyDataHealth]: 'Strategy data health',
  [NotificationKind.OrderFilled]: 'Order filled',
  [NotificationKind.SourceDown]: 'Market source down',
  [NotificationKind.AdminNotice]: 'Notice from the operators',
  [NotificationKind.EndpointDisabled]: 'Webhook disabled',
  [NotificationKind.Test]: 'Test',
  [NotificationKind.Digest]: 'Digest',
};

const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  in_app: 'In-app',
  email: 'Email',
  webhook: 'Webhook',
  sms: 'SMS',
  push: 'Push',
};

/** A kind in words; an unknown one as it is. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind as NotificationKind] ?? kind;
}

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}
