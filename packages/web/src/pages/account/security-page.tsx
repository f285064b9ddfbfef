/**
 * @module Two-factor authentication: enrol (QR code and secret from the server), confirm with a
 * first code, show the recovery codes once; or turn it off with a current code.
 */
import type { RecoveryCodes, TotpEnrolment } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession, useUser } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';

export function SecurityPage(): ReactNode {
  const user = useUser();
  const { client, reload } = useSession();
  const [enrolment, setEnrolment] = useState<TotpEnrolment>();
  const [recovery, setRecovery] = useState<RecoveryCodes>();
  const { pending, error, run } = usePendingAction();
  const codeOf = (event: FormEvent<HTMLFormElement>) =>
    formText(new FormData(event.currentTarget), 'code').replace(/\s+/g, '');

  function onActivate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = codeOf(event);
    void run(async () => {
      setRecovery(await client.me.totp.activate({ code }));
      setEnrolment(undefined);
      await reload();
    });
  }
  function onDisable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = codeOf(event);
    void run(async () => {
      await client.me.totp.disable({ code });
      setRecovery(undefined);
      await reload();
    });
  }

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Security</h1>
        <p className="muted">
          Two-factor authentication asks for a code from your authenticator app at sign-in.
        </p>
      </header>
      <section className="card narrow" aria-labelledby="totp-title">
        <h2 id="totp-title">
          Two-factor authentication{' '}
          <span className={user.mfaEnabled ? 'pill pill-good' : 'pill'}>
            {user.mfaEnabled ? 'On' : 'Off'}
          </span>
        </h2>
        <FormError message={error} />
        {recovery ? (
          <div className="recovery" role="region" aria-label="Recovery codes">
            <p>
              <strong>Save these recovery codes now.</strong> Each signs you in once if you lose your device;
              they are not shown again.
            </p>
            <ul className="code-list">
              {recovery.recoveryCodes.map((code) => (
                <li key={code}>
                  <code>{code}</code>
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="button"
              onClick={() => void navigator.clipboard?.writeText(recovery.recoveryCodes.join('\n'))}
            >
              Copy codes
            </button>
          </div>
        ) : null}
        {user.mfaEnabled ? (
          <form onSubmit={onDisable} className="stack">
            <Field
              label="Current code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
            />
            <button type="submit" className="button button-danger" disabled={pending}>
              Turn off two-factor
            </button>
          </form>
        ) : enrolment ? (
          <form onSubmit={onActivate} className="stack">
            <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
            <img
              className="qr"
              src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`}
              alt="QR code for your authenticator app"
              width={200}
              height={200}
            />
            <details>
              <summary>Can't scan? Enter the key by hand</summary>
              <code className="secret" data-testid="totp-secret">
                {enrolment.secret}
              </code>
            </details>
            <Field
              label="Code from the app"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              autoFocus
            />
            <button type="submit" className="button button-primary" disabled={pending}>
              {pending ? 'Checking…' : 'Turn on two-factor'}
            </button>
          </form>
        ) : (
          <button
            type="button"
            className="button button-primary"
            disabled={pending}
            onClick={() => void run(async () => setEnrolment(await client.me.totp.enrol()))}
          >
            Set up two-factor
          </button>
        )}
      </section>
    </main>
  );
}
