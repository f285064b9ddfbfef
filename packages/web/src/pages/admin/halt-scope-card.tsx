/**
 * @module The kill switch over a scope as an admin engages it (Operations page): every portfolio,
 * one venue's, or one account's, with an option to close every position at market. After a
 * confirmation it answers with each portfolio's halt proof (built from the order journal), in a
 * line each; the proofs are read again with "Refresh proofs" while positions close.
 */
import type { HaltProofView } from '@tickline/client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError, formText } from '../../components/field.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';
import { haltVerdictText } from '../portfolio/halt-proof-text.ts';
import { shortId } from './kill-switch-card.tsx';

type Scope = 'everything' | 'venue' | 'account';

export function HaltScopeCard(): ReactNode {
  const { client } = useSession();
  const { pending, error, run } = usePendingAction({ withCode: true });
  const [scope, setScope] = useState<Scope>('everything');
  const [halt, setHalt] = useState<{ haltId: string; proofs: HaltProofView[] }>();
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = formText(form, 'target').trim();
    const flatten = form.get('flatten') === 'on';
    const what = scope === 'everything' ? 'every portfolio' : `the portfolios of ${scope} ${target}`;
    const question =
      `Engage the admin kill switch on ${what}? New orders are refused, working orders are cancelled ` +
      `and live strategies pause${flatten ? '; every position is closed at market' : ''}.`;
    if (!window.confirm(question)) return;
    void run(async () => {
      const answer = await client.portfolios.killSwitchOver({
        scope,
        reason: formText(form, 'reason').trim() || 'engaged from the Operations page',
        flatten,
        ...(scope === 'venue' ? { venue: target } : scope === 'account' ? { userId: target } : {}),
      });
      setHalt({ haltId: answer.haltId, proofs: answer.proofs });
    });
  }
  function refresh() {
    if (halt === undefined) return;
    void run(async () => setHalt({ haltId: halt.haltId, proofs: await client.portfolios.halt(halt.haltId) }));
  }
  const held = halt?.proofs.filter((p) => p.halted).length ?? 0;
  return (
    <section className="card stack" aria-labelledby="admin-halt-title" data-testid="admin-halt-scope">
      <h2 id="admin-halt-title">Kill switch over many portfolios</h2>
      <form className="row" onSubmit={onSubmit} aria-label="Kill switch over a scope">
        <select
          name="scope"
          aria-label="Scope"
          value={scope}
          onChange={(e) => setScope(e.currentTarget.value as Scope)}
        >
          <option value="everything">Every portfolio</option>
          <option value="venue">A venue’s portfolios</option>
          <option value="account">An account’s portfolios</option>
        </select>
        {scope === 'everything' ? null : (
          <input
            name="target"
            aria-label={scope === 'venue' ? 'Venue' : 'Account id'}
            placeholder={scope === 'venue' ? 'paper or binance-spot' : 'Account id'}
            required
            maxLength={100}
          />
        )}
        <input name="reason" aria-label="Reason" placeholder="Reason (kept in the audit)" maxLength={200} />
        <label>
          <input type="checkbox" name="flatten" /> Close every position
        </label>
        <button type="submit" className="button button-danger" disabled={pending}>
          Engage
        </button>
      </form>
      <FormError message={error} />
      {halt === undefined ? null : (
        <div className="stack small" data-testid="admin-halt-proofs">
          <p>
            {held} of {halt.proofs.length} portfolios proven halted.{' '}
            <button type="button" className="button" disabled={pending} onClick={refresh}>
              Refresh proofs
            </button>
          </p>
          <ul className="plain-list">
            {halt.proofs.map((p) => (
              <li key={p.portfolioId} className={p.halted ? 'up' : 'down'}>
                <span className="mono">{shortId(p.portfolioId)}</span> {haltVerdictText(p)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
