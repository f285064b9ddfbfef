/** @module Words for notify's kinds and channels, shared by the inbox and the settings page. */

const KIND_LABELS: Readonly<Record<string, string>> = {
  'account.ready': 'Account ready',
  security: 'Security',
  'backtest.completed': 'Backtest completed',
  'strategy.signal': 'Strategy signal',
  'order.filled': 'Order filled',
  'market.source.down': 'Market source down',
  'admin.notice': 'Notice from the operators',
  'webhook.disabled': 'Webhook disabled',
  test: 'Test',
  digest: 'Digest',
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
  return KIND_LABELS[kind] ?? kind;
}

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}
