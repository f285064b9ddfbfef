/**
 * @module `/auth/callback/:provider`: where a provider sends the browser back (the presets'
 * redirect URI). The page hands the code and state to the API — the state cookie goes along —
 * and adopts the session; a refusal (another browser, an account to verify first) is shown.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { errorMessage } from '../../components/states.tsx';
import { isTicklineApiError } from '@tickline/client';

export function OidcCallbackPage({ provider }: { provider: string }): ReactNode {
  const { client, reload } = useSession();
  const { navigate } = useRouter();
  const [message, setMessage] = useState<string>();
  useEffect(() => {
    let done = false;
    client.auth
      .completeOidc(provider, window.location.search)
      .then(async (result) => {
        if (done) return;
        if (result.status !== 'signed_in') {
          setMessage('This account has two-factor on: sign in with your password and code.');
          return;
        }
        await reload();
        navigate(result.returnTo ?? '/', { replace: true });
      })
      .catch((error: unknown) => {
        if (done) return;
        setMessage(
          isTicklineApiError(error) && error.code === 'IDENTITY_OIDC_LINK_REQUIRED'
            ? 'An account with this email exists. Sign in with its password and verify its email, then use this provider again.'
            : errorMessage(error),
        );
      });
    return () => {
      done = true;
    };
  }, [client, provider, reload, navigate]);
  return (
    <main id="main" className="auth-page">
      <section className="card auth-card" aria-labelledby="callback-title">
        <h1 id="callback-title">Signing in…</h1>
        {message ? <p className="form-error">{message}</p> : <p className="muted">One moment.</p>}
        <p className="muted">
          <Link to="/sign-in">Back to sign-in</Link>
        </p>
      </section>
    </main>
  );
}
