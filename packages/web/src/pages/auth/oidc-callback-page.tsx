/**
 * @module `/auth/callback/:provider`: where a provider sends the browser back (the presets'
 * redirect URI). The page hands the code and state to the API — the state cookie goes along —
 * and adopts the session; with two-factor on, the provider alone is not enough: the code form
 * comes first. A refusal (another browser, an account to verify first) is shown.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { errorMessage } from '../../components/states.tsx';
import { isTicklineApiError, type TicklineClient } from '@tickline/client';
import { MfaCodeForm } from './mfa-code-form.tsx';

/**
 * One completion per callback URL: the state is spent on the first call, and the page can mount
 * twice for one visit (the session gate renders it again once the stored session is checked), so
 * a second mount takes the first call's answer instead of asking again and being refused.
 */
const completions = new Map<string, ReturnType<TicklineClient['auth']['completeOidc']>>();
function completeOnce(client: TicklineClient, provider: string, search: string) {
  const key = `${provider}${search}`;
  let completion = completions.get(key);
  if (completion === undefined) {
    completion = client.auth.completeOidc(provider, search);
    completions.set(key, completion);
  }
  return completion;
}

export function OidcCallbackPage({ provider }: { provider: string }): ReactNode {
  const { client, reload } = useSession();
  const { navigate } = useRouter();
  const [message, setMessage] = useState<string>();
  const [mfa, setMfa] = useState<{ token: string; returnTo: string | null }>();
  useEffect(() => {
    let done = false;
    completeOnce(client, provider, window.location.search)
      .then(async (result) => {
        if (done) return;
        if (result.status === 'mfa_required') {
          setMfa({ token: result.mfaToken, returnTo: result.returnTo });
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
  if (mfa) {
    return (
      <MfaCodeForm
        mfaToken={mfa.token}
        onSignedIn={() => navigate(mfa.returnTo ?? '/', { replace: true })}
        onBack={() => navigate('/sign-in', { replace: true })}
      />
    );
  }
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
