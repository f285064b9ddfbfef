/** @module Sign-up: email, optional display name, password; signs in on success. */
import { isTicklineApiError } from '@tickline/client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';

/** The identity service's minimum; checked here too so the form says so before a round trip. */
const MIN_PASSWORD_LENGTH = 10;

export function SignUpPage(): ReactNode {
  const { signUp } = useSession();
  const { navigate } = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = formText(form, 'email').trim();
    const password = formText(form, 'password');
    const displayName = formText(form, 'displayName').trim();
    const problems: typeof fieldErrors = {};
    if (!email.includes('@')) problems.email = 'Enter an email address.';
    if (password.length < MIN_PASSWORD_LENGTH)
      problems.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setPending(true);
    setError(undefined);
    try {
      await signUp({ email, password, ...(displayName ? { displayName } : {}) });
      navigate('/', { replace: true });
    } catch (caught) {
      if (isTicklineApiError(caught, 'IDENTITY_EMAIL_TAKEN'))
        setFieldErrors({ email: 'An account with this email exists. Sign in instead.' });
      else if (isTicklineApiError(caught, 'IDENTITY_PASSWORD_WEAK'))
        setFieldErrors({
          password: `Choose another password: ${caught.message.replace(/^password rejected: /, '')}.`,
        });
      else setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <main id="main" className="auth-page">
      <form
        className="card auth-card"
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        aria-labelledby="sign-up-title"
      >
        <h1 id="sign-up-title">Create your account</h1>
        <p className="muted">A paper portfolio is set up for you the moment you join.</p>
        <FormError message={error} />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          error={fieldErrors.email}
        />
        <Field
          label="Display name"
          name="displayName"
          autoComplete="nickname"
          hint="Optional. Shown to other players."
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          error={fieldErrors.password}
        />
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Creating account…' : 'Create account'}
        </button>
        <p className="muted">
          Already have an account? <Link to="/sign-in">Sign in</Link>
        </p>
      </form>
    </main>
  );
}
