/**
 * @module The "verify your email" state: while a password account has not opened its
 * verification link, a banner says so and can send the link again — or, where the server sends
 * no mail, says to ask an administrator for the link instead of pointing at a mail never sent.
 */
import { useState, type ReactNode } from 'react';
import type { EmailVerificationDelivery } from '@tickline/protocol';
import { useSession } from '../app/session.tsx';
import { useAsync } from './use-async.ts';
import { errorMessage } from './states.tsx';

export function VerifyEmailBanner(): ReactNode {
  const { client, state } = useSession();
  const [sent, setSent] = useState<string>();
  const delivery = useAsync(
    () =>
      client.request<EmailVerificationDelivery>({ method: 'GET', path: '/api/v1/auth/email-verification' }),
    [client],
  );
  if (state.status !== 'signed-in' || state.user.emailVerified) return null;
  if (delivery.status === 'ready' && delivery.data.delivery === 'admin')
    return (
      <div className="banner banner-warn" role="status">
        <span>
          Verify your email: this server sends no mail — ask an administrator for the verification link of{' '}
          <strong>{state.user.email}</strong>.
        </span>
      </div>
    );

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
