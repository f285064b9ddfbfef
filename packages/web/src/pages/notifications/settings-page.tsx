/**
 * @module Notification settings (`/settings/notifications`): which channels each kind goes to,
 * quiet hours in the user's time zone, the rate limit, the email address, webhook endpoints with
 * their delivery log, the SMS number, and Web Push on this device.
 */
import type { NotificationRules } from '@tickline/protocol';
import type { ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { DeliverySettingsForm } from './delivery-settings-form.tsx';
import { PhonePanel } from './phone-panel.tsx';
import { PushPanel } from './push-panel.tsx';
import { RulesPanel } from './rules-panel.tsx';
import { WebhooksPanel } from './webhooks-panel.tsx';

export function NotificationSettingsPage(): ReactNode {
  const { client } = useSession();
  const rules = useAsync<NotificationRules>(() => client.notifications.rules(), [client]);
  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Notification settings</h1>
        <p className="muted">
          Choose where each kind of notification goes. Security notifications ignore quiet hours. Back to the{' '}
          <Link to="/notifications">inbox</Link>.
        </p>
      </header>
      {rules.status === 'error' && !rules.data ? (
        <ErrorState error={rules.error} onRetry={rules.reload} />
      ) : !rules.data ? (
        <Loading label="Loading your settings…" />
      ) : (
        <div className="stack">
          <RulesPanel rules={rules.data} onChange={rules.set} />
          <div className="grid grid-2">
            <DeliverySettingsForm
              settings={rules.data.settings}
              onSaved={(settings) => rules.data && rules.set({ ...rules.data, settings })}
            />
            <div className="stack">
              <PushPanel />
              <PhonePanel />
            </div>
          </div>
          <WebhooksPanel kinds={rules.data.kinds} />
        </div>
      )}
    </main>
  );
}
