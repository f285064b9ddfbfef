/**
 * @module A portfolio's kill switch as an admin moves it (Operations page): a portfolio id, typed
 * or picked from the live strategies panel, the switch's state with each hand that holds it (the
 * owner's, the admin's) and its reason, and the admin hand's engage and release. The owner is told
 * of an admin's stop and cannot lift it; the owner's own hand is the owner's to release.
 */
import type { KillSwitchView } from '@tickline/client';
import type { FormEvent, ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError, formText } from '../../components/field.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { adminEngageQuestion, KillSwitchReason, useKillSwitchMove } from '../portfolio/kill-switch-move.ts';

/** The portfolio the card shows; `pick` changes with every choice, so picking it again re-reads. */
export interface KillSwitchTarget {
  portfolioId: string;
  pick: number;
}

/**
 * A long id as the tables show it: its last 8 characters. Ids are UUIDv7, whose head is the time
 * they were made: an account's id and its portfolio's (made together) share their first 8.
 */
export function shortId(id: string): string {
  return id.length > 9 ? `…${id.slice(-8)}` : id;
}

export function KillSwitchCard(props: {
  target: KillSwitchTarget | undefined;
  onTarget: (portfolioId: string) => void;
}): ReactNode {
  const { target, onTarget } = props;
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const id = formText(new FormData(event.currentTarget), 'portfolioId').trim();
    if (id) onTarget(id);
  }
  return (
    <section className="card stack" aria-labelledby="admin-kill-title" data-testid="admin-kill-switch">
      <h2 id="admin-kill-title">Portfolio kill switch</h2>
      <form className="row" onSubmit={onSubmit} aria-label="Portfolio to stop">
        <label htmlFor="admin-kill-portfolio" className="visually-hidden">
          Portfolio id
        </label>
        <input
          // A pick from the live strategies panel refills the field.
          key={target?.pick ?? 0}
          id="admin-kill-portfolio"
          name="portfolioId"
          className="search-input mono"
          placeholder="Portfolio id (or Kill switch on a live strategy)"
          defaultValue={target?.portfolioId ?? ''}
          required
          maxLength={100}
        />
        <button type="submit" className="button">
          Show
        </button>
      </form>
      {target ? (
        <SwitchState key={target.pick} portfolioId={target.portfolioId} />
      ) : (
        <p className="muted">
          Engaging the admin hand refuses the portfolio’s new orders, cancels its working orders and pauses
          its live strategies; its owner is told and cannot release it.
        </p>
      )}
    </section>
  );
}

function SwitchState({ portfolioId }: { portfolioId: string }): ReactNode {
  const { client } = useSession();
  const risk = useAsync(() => client.portfolios.risk(portfolioId), [client, portfolioId]);
  const { busy, error, move } = useKillSwitchMove(client, () => risk.reload());
  if (risk.status === 'error' && !risk.data) return <ErrorState error={risk.error} onRetry={risk.reload} />;
  if (!risk.data) return <Loading label="Reading the kill switch…" />;
  const { engaged, user, admin } = risk.data.killSwitch;
  const label = `portfolio ${shortId(portfolioId)}`;
  return (
    <div className="stack">
      <p data-testid="admin-kill-switch-state" className={engaged ? 'down' : 'muted'}>
        {engaged
          ? `Kill switch engaged on ${label}: new orders are refused.`
          : `Kill switch off on ${label}: orders are checked against its limits.`}
      </p>
      <ul className="plain-list small" data-testid="admin-kill-switch-hands">
        <Hand who="Owner’s hand" hand={user} />
        <Hand who="Admin hand" hand={admin} />
      </ul>
      <div className="row">
        {admin ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() =>
              void move(
                portfolioId,
                'release',
                `Release the admin hand on ${label}? ${
                  user ? 'The owner’s own hand still holds the switch.' : 'New orders are accepted again.'
                } Paused strategies stay paused until the owner resumes them.`,
                KillSwitchReason.Admin.release,
              )
            }
          >
            Release admin hand
          </button>
        ) : (
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() =>
              void move(portfolioId, 'engage', adminEngageQuestion(label), KillSwitchReason.Admin.engage)
            }
          >
            Engage admin hand
          </button>
        )}
        {user && !admin ? <span className="muted small">Only the owner releases their hand.</span> : null}
      </div>
      <FormError message={error} />
    </div>
  );
}

function Hand({ who, hand }: { who: string; hand: KillSwitchView['user'] }): ReactNode {
  return (
    <li>
      <strong>{who}:</strong>{' '}
      {hand ? (
        <span title={hand.by}>
          engaged {new Date(hand.at).toLocaleString()} by {shortId(hand.by)} — {hand.reason}
        </span>
      ) : (
        <span className="muted">off</span>
      )}
    </li>
  );
}
