/**
 * @module The portfolio's risk controls: the kill switch (engage and release, each after a
 * confirmation, with the reason kept in the audit), the limits the order check enforces (editable;
 * 0 turns one off; amounts in USDT, shares in percent of equity), and the latest audited changes.
 * The switch and limits are stored on the server and hold for every process and across restarts.
 */
import type { PortfolioRisk, PortfolioRiskLimits, TicklineClient } from '@tickline/client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { HaltProofCard } from './halt-proof-card.tsx';
import { ENGAGE_EFFECT, KillSwitchReason, useKillSwitchMove } from './kill-switch-move.ts';
import { formatUsd, RISK_LIMIT_LABELS } from './portfolio-format.ts';

const LIMITS: ReadonlyArray<{ key: keyof PortfolioRiskLimits; label: string; hint: string }> = [
  {
    key: 'maxPositionPercent',
    label: RISK_LIMIT_LABELS.maxPositionPercent,
    hint: 'Largest share of the equity one position may take.',
  },
  {
    key: 'maxDailyLossPercent',
    label: RISK_LIMIT_LABELS.maxDailyLossPercent,
    hint: 'Loss since 00:00 UTC, as a share of the equity then, that stops new exposure.',
  },
  {
    key: 'maxPositionValue',
    label: RISK_LIMIT_LABELS.maxPositionValue,
    hint: 'Largest value one position may reach.',
  },
  {
    key: 'maxOrderNotional',
    label: RISK_LIMIT_LABELS.maxOrderNotional,
    hint: 'Largest value of a single order.',
  },
  {
    key: 'maxDailyLoss',
    label: RISK_LIMIT_LABELS.maxDailyLoss,
    hint: 'Loss since 00:00 UTC that stops new exposure.',
  },
  {
    key: 'maxOrdersPerMinute',
    label: RISK_LIMIT_LABELS.maxOrdersPerMinute,
    hint: 'Orders in any 60 seconds.',
  },
];

export function RiskControls({ portfolioId }: { portfolioId: string }): ReactNode {
  const { client } = useSession();
  const risk = useAsync(() => client.portfolios.risk(portfolioId), [client, portfolioId]);
  return (
    <section className="card stack" aria-labelledby="risk-title" data-testid="risk-controls">
      <h2 id="risk-title">Risk controls</h2>
      {risk.status === 'error' && !risk.data ? (
        <ErrorState error={risk.error} onRetry={risk.reload} />
      ) : !risk.data ? (
        <Loading label="Loading risk controls…" />
      ) : (
        <>
          <KillSwitch client={client} portfolioId={portfolioId} risk={risk.data} onChange={risk.reload} />
          <LimitsForm client={client} portfolioId={portfolioId} risk={risk.data} onChange={risk.reload} />
          <RiskAudit risk={risk.data} />
        </>
      )}
    </section>
  );
}

interface PartProps {
  client: TicklineClient;
  portfolioId: string;
  risk: PortfolioRisk;
  onChange: () => void;
}

function KillSwitch({ client, portfolioId, risk, onChange }: PartProps): ReactNode {
  const { busy, error, move } = useKillSwitchMove(client, onChange);
  const [flatten, setFlatten] = useState(false);
  const { engaged, user, admin } = risk.killSwitch;
  function act(release: boolean) {
    const question = release
      ? 'Release the kill switch? New orders are accepted again; paused strategies stay paused until you resume them.'
      : `Engage the kill switch? ${ENGAGE_EFFECT}${flatten ? ' Every position is closed at market.' : ''}`;
    const how = release ? 'release' : 'engage';
    void move(portfolioId, how, question, KillSwitchReason.Owner[how], { flatten });
  }
  const holder = admin ? 'an admin' : 'you';
  return (
    <div className="stack">
      <p data-testid="kill-switch-state" className={engaged ? 'down' : 'muted'}>
        {engaged
          ? `Kill switch engaged by ${holder} (${(admin ?? user)?.reason ?? ''}): new orders are refused.`
          : 'Kill switch off: orders are checked against the limits below.'}
      </p>
      {user !== undefined ? (
        <button type="button" className="button" disabled={busy} onClick={() => act(true)}>
          Release kill switch
        </button>
      ) : engaged ? (
        <p className="muted">Only an admin can release it.</p>
      ) : (
        <div className="row">
          <label>
            <input
              type="checkbox"
              checked={flatten}
              onChange={(e) => setFlatten(e.currentTarget.checked)}
              data-testid="kill-switch-flatten"
            />{' '}
            Also close every position at market
          </label>
          <button type="button" className="button button-danger" disabled={busy} onClick={() => act(false)}>
            Engage kill switch
          </button>
        </div>
      )}
      <FormError message={error} />
      <HaltProofCard client={client} portfolioId={portfolioId} changed={risk} />
    </div>
  );
}

function LimitsForm({ client, portfolioId, risk, onChange }: PartProps): ReactNode {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const limits: Partial<PortfolioRiskLimits> = {};
    for (const { key } of LIMITS) limits[key] = Number(formText(form, key));
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      await client.portfolios.setRiskLimits(portfolioId, { ...limits, reason: 'changed on the dashboard' });
      setMessage('Limits saved: the next order is checked against them.');
      onChange();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Risk limits">
      <p className="muted">
        {risk.custom ? 'Your limits.' : 'The platform defaults.'} 0 turns a limit off; reducing a position is
        always allowed.
      </p>
      {LIMITS.map(({ key, label, hint }) => (
        <Field
          key={`${key}-${risk.limits[key]}`}
          name={key}
          label={label}
          hint={`${hint} Default: ${defaultText(key, risk.defaults[key])}.`}
          type="number"
          min={0}
          step="any"
          required
          defaultValue={risk.limits[key]}
          data-testid={`limit-${key}`}
        />
      ))}
      <button type="submit" className="button button-primary" disabled={busy}>
        Save limits
      </button>
      {message ? (
        <p className="muted" role="status" data-testid="limits-saved">
          {message}
        </p>
      ) : null}
      <FormError message={error} />
    </form>
  );
}

const PERCENT_LIMITS: ReadonlySet<keyof PortfolioRiskLimits> = new Set([
  'maxPositionPercent',
  'maxDailyLossPercent',
]);

/** A default as words: 0 is off. */
function defaultText(key: keyof PortfolioRiskLimits, value: number): string {
  if (value === 0) return 'off';
  if (key === 'maxOrdersPerMinute') return String(value);
  return PERCENT_LIMITS.has(key) ? `${value}%` : formatUsd(value);
}

const ACTIONS: Record<string, string> = {
  'kill_switch.engaged': 'engaged the kill switch',
  'kill_switch.released': 'released the kill switch',
  'risk_limits.changed': 'changed the limits',
};

function RiskAudit({ risk }: { risk: PortfolioRisk }): ReactNode {
  const latest = risk.audit.slice(-5).reverse();
  if (latest.length === 0) return null;
  return (
    <div>
      <h3>Latest changes</h3>
      <ul className="plain-list" data-testid="risk-audit">
        {latest.map((e) => (
          <li key={`${e.at}-${e.action}-${e.actor}`}>
            {new Date(e.at).toLocaleString()}: {e.actor === 'admin' ? 'an admin' : 'you'} {ACTIONS[e.action]}{' '}
            — {e.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
