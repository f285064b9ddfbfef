/**
 * @module The second step of a sign-in with two-factor on: a TOTP or recovery code against the
 * short-lived MFA token. The password sign-in and the provider callback (Google, GitHub, OIDC)
 * both end here before a session exists.
 */
import type { FormEvent, ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';

export function MfaCodeForm({
  mfaToken,
  onSignedIn,
  onBack,
}: {
  mfaToken: string;
  onSignedIn: () => void;
  onBack: () => void;
}): ReactNode {
  const { completeMfa } = useSession();
  const { pending, error, run } = usePendingAction();

  function onCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = formText(new FormData(event.currentTarget), 'code').replace(/\s+/g, '');
    void run(async () => {
      await completeMfa({ mfaToken, code });
      onSignedIn();
    });
  }

  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={onCode} aria-labelledby="mfa-title">
        <h1 id="mfa-title">Two-factor code</h1>
        <p className="muted">
          Enter the 6-digit code from your authenticator app, or one of your recovery codes.
        </p>
        <FormError message={error} />
        <Field label="Code" name="code" inputMode="numeric" autoComplete="one-time-code" required autoFocus />
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Checking…' : 'Verify'}
        </button>
        <button type="button" className="button button-ghost" onClick={onBack}>
          Back
        </button>
      </form>
    </main>
  );
}
