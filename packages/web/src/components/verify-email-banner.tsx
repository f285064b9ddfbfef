/**
 * @module The "verify your email" state: while a password account has not opened its
 * verification link, a banner says so and can send the link again.
 */
import { useState, type ReactNode } from 'react';
import { useSession } from '../app/session.tsx';
import { errorMessage } from './states.tsx';

export function VerifyEmailBanner(): ReactNode {
  const { client, state } = useSession();
  const [sent, setSent] = useState<string>();
  if (state.status !== 'signed-in' || state.user.emailVerified) return null;

  async function resend() {
    try {
      await client.me.resendEmailVerification();
      setSent('A new link is on its way.');
    } catch (error) {
      setSent(errorMessage(error));
    }
  }

  return (
    <div className="banner banner-warn" role="status">
      <span>
        Verify your email: open the link we sent to <strong>{state.user.email}</strong>.
      </span>{' '}
      {sent ? (
        <span className="muted">{sent}</span>
      ) : (
        <button type="button" className="button button-ghost" onClick={() => void resend()}>
          Send it again
        </button>
      )}
    </div>
  );
}
