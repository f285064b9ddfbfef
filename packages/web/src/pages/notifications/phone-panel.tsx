/** @module The SMS number: verified by a code sent to it before any notification uses it. */
import type { NotificationPhone } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { useAsync } from '../../components/use-async.ts';
import { usePendingAction } from '../../components/use-pending-action.ts';

export function PhonePanel(): ReactNode {
  const { client } = useSession();
  const phone = useAsync<NotificationPhone>(() => client.notifications.phone.get(), [client]);
  const { pending, error, run } = usePendingAction({ withCode: true });
  const [codeSent, setCodeSent] = useState(false);

  function onStart(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const number = formText(new FormData(event.currentTarget), 'phone').trim();
    void run(async () => {
      await client.notifications.phone.start(number);
      setCodeSent(true);
      phone.reload();
    });
  }
  function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = formText(new FormData(event.currentTarget), 'code').trim();
    void run(async () => {
      await client.notifications.phone.confirm(code);
      setCodeSent(false);
      phone.reload();
    });
  }

  const current = phone.data;
  return (
    <section className="card stack" aria-labelledby="phone-title">
      <h2 id="phone-title">SMS</h2>
      <p className="muted small">Only for kinds you mark urgent; SMS costs money and has a daily cap.</p>
      <FormError message={error} />
      {current?.phone ? (
        <div className="row">
          <span>
            {current.phone} · {current.verified ? 'verified' : 'not verified'}
          </span>
          <button
            type="button"
            className="button button-small button-ghost"
            disabled={pending}
            onClick={() => void run(async () => (await client.notifications.phone.remove(), phone.reload()))}
          >
            Remove
          </button>
        </div>
      ) : null}
      {codeSent || (current?.phone && !current.verified) ? (
        <form className="row" onSubmit={onConfirm}>
          <Field label="Code" name="code" inputMode="numeric" pattern="\d{6}" required maxLength={6} />
          <button type="submit" className="button button-small" disabled={pending}>
            Verify
          </button>
        </form>
      ) : (
        <form className="row" onSubmit={onStart}>
          <Field
            label="Phone number"
            name="phone"
            type="tel"
            placeholder="+15551234567"
            pattern="\+[1-9]\d{6,14}"
            required
          />
          <button type="submit" className="button button-small" disabled={pending}>
            Send code
          </button>
        </form>
      )}
    </section>
  );
}
