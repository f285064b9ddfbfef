/** @module Broadcast a notice to the players of every zone (or one). */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';
import { ADMIN } from './admin-api.ts';

export function BroadcastForm(): ReactNode {
  const { client } = useSession();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState<string>();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const zoneId = formText(form, 'zoneId').trim();
    setPending(true);
    setError(undefined);
    try {
      const result = await client.request<{ zones: number; players: number }>({
        method: 'POST',
        path: `${ADMIN}/broadcast`,
        body: {
          level: formText(form, 'level') || 'info',
          text: formText(form, 'text').trim(),
          ...(zoneId ? { zoneId } : {}),
        },
      });
      setSent(`Sent to ${plural(result.players, 'player')} in ${plural(result.zones, 'zone')}.`);
      formElement.reset();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="card stack" onSubmit={(e) => void onSubmit(e)} aria-labelledby="broadcast-title">
      <h2 id="broadcast-title">Broadcast a notice</h2>
      <FormError message={error} />
      {sent ? (
        <p className="muted" role="status" data-testid="broadcast-result">
          {sent}
        </p>
      ) : null}
      <Field
        label="Message"
        name="text"
        required
        maxLength={500}
        placeholder="Servers restart at 18:00 UTC"
      />
      <div className="row">
        <div className="field">
          <label htmlFor="broadcast-level">Level</label>
          <select id="broadcast-level" name="level" defaultValue="info">
            <option value="info">info</option>
            <option value="warn">warn</option>
          </select>
        </div>
        <Field label="Zone" name="zoneId" placeholder="every zone" hint="Empty: every zone." />
      </div>
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? 'Sending…' : 'Send notice'}
      </button>
    </form>
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
