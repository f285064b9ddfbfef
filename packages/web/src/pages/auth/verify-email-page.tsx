/**
 * @module `/verify-email?token=…`: the page an email verification link opens. It spends the token
 * once (on a click, so mail scanners that fetch links do not use it up) and says how it went;
 * it works signed in or out.
 */
import { useState, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { errorMessage } from '../../components/states.tsx';

export function VerifyEmailPage(): ReactNode {
  const { client, state, reload } = useSession();
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const [pending, setPending] = useState(false);

  async function verify() {
    setPending(true);
    try {
      const user = await client.auth.verifyEmail(token);
      setOutcome({ ok: true, text: `${user.email} is verified.` });
      if (state.status === 'signed-in') await reload();
    } catch (error) {
      setOutcome({ ok: false, text: errorMessage(error) });
    } finally {
      setPending(false);
    }
  }

  return (
    <main id="main" className="auth-page">
      <section className="card auth-card" aria-labelledby="verify-title">
        <h1 id="verify-title">Verify your email</h1>
        {outcome ? (
          <p role="status" className={outcome.ok ? undefined : 'form-error'}>
            {outcome.text}
          </p>
        ) : token ? (
          <button
            type="button"
            className="button button-primary"
            disabled={pending}
            onClick={() => void verify()}
          >
            {pending ? 'Verifying…' : 'Confirm this address'}
          </button>
        ) : (
          <p className="form-error">This link has no token. Open the link from the email again.</p>
        )}
        <p className="muted">
          <Link to={state.status === 'signed-in' ? '/' : '/sign-in'}>Continue to Tickline</Link>
        </p>
      </section>
    </main>
  );
}
