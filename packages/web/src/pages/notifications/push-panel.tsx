/** @module "Push on this device": enable or disable Web Push here, and the other devices with push. */
import type { PushSubscriptionInfo } from '@tickline/protocol';
import { useEffect, useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { useAsync } from '../../components/use-async.ts';
import { usePendingAction } from '../../components/use-pending-action.ts';
import { currentSubscription, disablePush, enablePush, pushSupport } from './push-device.ts';

export function PushPanel(): ReactNode {
  const { client } = useSession();
  const { pending, error, run } = usePendingAction();
  const [here, setHere] = useState<string | null>();
  const devices = useAsync<PushSubscriptionInfo[]>(() => client.notifications.push.list(), [client]);
  const support = pushSupport();

  const refresh = async () => setHere((await currentSubscription())?.endpoint ?? null);
  useEffect(() => {
    void refresh().catch(() => setHere(null));
  }, []);
  const enabledHere = !!here && !!devices.data?.some((d) => d.endpoint === here);

  return (
    <section className="card stack" aria-labelledby="push-title">
      <h2 id="push-title">Push on this device</h2>
      <FormError message={error} />
      {support === 'unsupported' ? (
        <p className="muted">This browser cannot receive push notifications.</p>
      ) : support === 'denied' ? (
        <p className="muted">
          Notifications are blocked for this site; allow them in the browser's site settings.
        </p>
      ) : (
        <div className="row">
          <span data-testid="push-state">
            {enabledHere ? 'Enabled on this device' : 'Off on this device'}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={pending || here === undefined}
            onClick={() =>
              void run(async () => {
                await (enabledHere ? disablePush(client) : enablePush(client));
                await refresh();
                devices.reload();
              })
            }
          >
            {enabledHere ? 'Disable' : 'Enable push'}
          </button>
        </div>
      )}
      {devices.data && devices.data.length > 0 ? (
        <ul className="plain-list small muted">
          {devices.data.map((d) => (
            <li key={d.id}>
              {d.device ?? 'A device'} · since {new Date(d.createdAt).toLocaleDateString()}
              {d.endpoint === here ? ' (this one)' : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
