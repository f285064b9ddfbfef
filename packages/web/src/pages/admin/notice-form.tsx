/**
 * @module Notify users (admins): a notice to one user (by id) or to everyone, delivered by each
 * user's rules for "Notice from the operators" — the inbox, email, webhooks, push.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';
import { ADMIN } from './admin-api.ts';

export function NoticeForm(): ReactNode {
  const { client } = useSession();
  const { pending, error, run } = usePendingAction();
  const [sent, setSent] = useState<string>();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const userId = formText(form, 'userId').trim();
    setSent(undefined);
    void run(async () => {
      await client.request({
        method: 'POST',
        path: `${ADMIN}/notify/notices`,
        body: {
          title: formText(form, 'title'),
          message: formText(form, 'message'),
          ...(userId ? { userId } : {}),
          urgent: form.get('urgent') === 'on',
        },
      });
      setSent(userId ? 'Notice sent to the user.' : 'Notice sent to every user.');
      formElement.reset();
    });
  }

  return (
    <form className="card stack" aria-labelledby="notice-title" onSubmit={onSubmit}>
      <h2 id="notice-title">Notify users</h2>
      <FormError message={error} />
      <Field label="Title" name="title" required maxLength={200} />
      <Field label="Notice text" name="message" required maxLength={4000} />
      <Field label="User id" name="userId" hint="Empty: every user." pattern="[0-9a-fA-F-]{36}" />
      <label className="check">
        <input type="checkbox" name="urgent" /> Urgent (may go by SMS)
      </label>
      <div className="row">
        <button type="submit" className="button button-primary" disabled={pending}>
          Send notification
        </button>
        {sent ? (
          <span role="status" className="muted" data-testid="notice-result">
            {sent}
          </span>
        ) : null}
      </div>
    </form>
  );
}
