/**
 * @module Sign-in in two steps: email and password, then — when two-factor is on — a TOTP or
 * recovery code against the short-lived MFA token ({@link MfaCodeForm}).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';
import { MfaCodeForm } from './mfa-code-form.tsx';
import { OidcButtons } from './oidc-buttons.tsx';

export function SignInPage(): ReactNode {
  const { signIn } = useSession();
  const { navigate } = useRouter();
  const { pending, error, run } = usePendingAction();
  const [mfaToken, setMfaToken] = useState<string>();

  function onPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(async () => {
      const result = await signIn({
        email: formText(form, 'email').trim(),
        password: formText(form, 'password'),
      });
      if (result.status === 'mfa_required') setMfaToken(result.mfaToken);
      else navigate('/', { replace: true });
    });
  }

  if (mfaToken) {
    return (
      <MfaCodeForm
        mfaToken={mfaToken}
        onSignedIn={() => navigate('/', { replace: true })}
        onBack={() => setMfaToken(undefined)}
      />
    );
  }

  return (
    <main id="main" className="auth-page">
      <form className="card auth-card" onSubmit={onPassword} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <FormError message={error} />
        <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
        <OidcButtons />
        <p className="muted">
          New here? <Link to="/sign-up">Create an account</Link>
        </p>
      </form>
    </main>
  );
}
