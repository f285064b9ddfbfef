/**
 * @module Email, time zone, quiet hours and the hourly rate limit. Quiet hours hold non-critical
 * notifications and send them as one digest when they end; over the rate limit, the rest of the
 * hour is digested too. An email address other than the account's is used only once the code sent
 * to it is entered here; until then email keeps going where it went.
 */
import type { NotificationSettings } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';

/** IANA zones the browser knows, for the time zone field's suggestions. */
function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

/** The settings as the server last answered, and what to do with a new answer. */
interface SettingsProps {
  settings: NotificationSettings;
  onSaved: (settings: NotificationSettings) => void;
}

export function DeliverySettingsForm({ settings, onSaved }: SettingsProps): ReactNode {
  const { client } = useSession();
  const { pending, error, run } = usePendingAction({ withCode: true });
  const [quiet, setQuiet] = useState(settings.quietHours !== null);
  const [saved, setSaved] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = formText(form, 'email').trim();
    const rate = Number(formText(form, 'rateLimitPerHour'));
    setSaved(false);
    void run(async () => {
      const next = await client.notifications.updateSettings({
        email: email === '' ? null : email,
        timeZone: formText(form, 'timeZone').trim(),
        quietHours: quiet ? { start: formText(form, 'quietStart'), end: formText(form, 'quietEnd') } : null,
        rateLimitPerHour: rate > 0 ? rate : null,
      });
      onSaved(next);
      setSaved(true);
    });
  }

  return (
    <form className="card stack" aria-labelledby="delivery-title" onSubmit={onSubmit}>
      <h2 id="delivery-title">Delivery</h2>
      <FormError message={error} />
      <Field
        label="Email address"
        name="email"
        type="email"
        defaultValue={settings.email ?? ''}
        hint="Where email notifications go. Empty: your account's address. Another address gets a code first."
        maxLength={254}
      />
      <EmailStatus settings={settings} onSaved={onSaved} />
      <Field
        label="Time zone"
        name="timeZone"
        defaultValue={settings.timeZone}
        list="time-zones"
        required
        hint="Quiet hours are in this zone."
      />
      <datalist id="time-zones">
        {timeZones().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <fieldset className="stack">
        <legend>Quiet hours</legend>
        <label className="check">
          <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} />
          Hold notifications during quiet hours, then send one digest
        </label>
        {quiet ? (
          <div className="row">
            <Field
              label="From"
              name="quietStart"
              type="time"
              required
              defaultValue={settings.quietHours?.start ?? '22:00'}
            />
            <Field
              label="Until"
              name="quietEnd"
              type="time"
              required
              defaultValue={settings.quietHours?.end ?? '07:00'}
            />
          </div>
        ) : null}
      </fieldset>
      <Field
        label="At most per hour"
        name="rateLimitPerHour"
        type="number"
        min={1}
        max={100000}
        defaultValue={settings.rateLimitPerHour}
        hint="Over this, the rest of the hour comes as one digest."
      />
      <p className="muted small">At most {settings.smsDailyCap} SMS a day (your tier's cap).</p>
      <div className="row">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </button>
        {saved ? (
          <span role="status" className="muted">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** Whether email goes to the address shown, and the code field while another waits for proof. */
function EmailStatus({ settings, onSaved }: SettingsProps): ReactNode {
  const { client } = useSession();
  const [code, setCode] = useState('');
  const { pending, error, run } = usePendingAction({ withCode: true });
  return (
    <div className="stack" data-testid="email-status">
      <p className="small" role="status">
        {settings.email
          ? `Email goes to ${settings.email} · ${settings.emailVerified ? 'verified' : 'not verified: nothing is sent there'}`
          : 'No email address: email notifications are off.'}
      </p>
      {settings.pendingEmail ? (
        <div className="stack">
          <p className="small">
            We sent a code to {settings.pendingEmail}. Enter it to send email there instead.
          </p>
          <FormError message={error} />
          <div className="row">
            <label className="field">
              <span>Email code</span>
              <input
                name="emailCode"
                inputMode="numeric"
                pattern="\d{6}"
                maxLength={6}
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </label>
            <button
              type="button"
              className="button button-small"
              disabled={pending || code.length !== 6}
              onClick={() => void run(async () => onSaved(await client.notifications.confirmEmail(code)))}
            >
              Verify email
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
