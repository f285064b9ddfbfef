/**
 * @module Where the portfolio trades: paper, or Binance spot with an API key. The key and secret are
 * sent once, in the bind request (password fields, never kept in the page), and checked at the
 * venue first: a key that can withdraw or cannot trade spot is refused with the venue's reason.
 * Bound, the card shows the key's last four characters, what the venue reported of it, and the
 * account's balances there.
 */
import type { PortfolioVenue, TicklineClient } from '@tickline/client';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import type { VenueState } from './use-venue.ts';

export function VenueCard({ portfolioId, venue }: { portfolioId: string; venue: VenueState }): ReactNode {
  const { client } = useSession();
  return (
    <section className="card stack" aria-labelledby="venue-title" data-testid="venue-card">
      <h2 id="venue-title">Venue</h2>
      {venue.status === 'error' && !venue.data ? (
        <ErrorState error={venue.error} onRetry={venue.reload} />
      ) : !venue.data ? (
        <Loading label="Loading the venue…" />
      ) : venue.data.venue === 'paper' && venue.data.liveVenues.length === 0 ? (
        <p className="muted" data-testid="venue-state">
          Paper: orders fill against live prices with the backtest&apos;s fill model. This server trades on no
          live venue.
        </p>
      ) : venue.data.venue === 'paper' ? (
        <BindForm client={client} portfolioId={portfolioId} onChange={venue.reload} />
      ) : (
        <Bound client={client} venue={venue.data} onChange={venue.reload} />
      )}
    </section>
  );
}

interface PartProps {
  client: TicklineClient;
  onChange: () => void;
}

function BindForm({ client, portfolioId, onChange }: PartProps & { portfolioId: string }): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setBusy(true);
    setError(undefined);
    try {
      await client.portfolios.bindVenue(portfolioId, {
        venue: 'binance-spot',
        apiKey: formText(form, 'apiKey').trim(),
        apiSecret: formText(form, 'apiSecret').trim(),
      });
      onChange();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      // The secret does not stay in the page, whatever the answer.
      formElement.reset();
      setBusy(false);
    }
  }
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Bind to Binance spot">
      <p className="muted" data-testid="venue-state">
        Paper: orders fill against live prices with the backtest&apos;s fill model. Bind an API key to trade
        on Binance spot instead.
      </p>
      <p className="muted">
        Create the key at Binance with spot trading on and withdrawals off; a key that can withdraw is
        refused. The key is stored encrypted and never shown again.
      </p>
      <Field name="apiKey" label="API key" type="password" autoComplete="off" required minLength={8} />
      <Field name="apiSecret" label="API secret" type="password" autoComplete="off" required minLength={8} />
      <button type="submit" className="button button-primary" disabled={busy}>
        Bind to Binance spot
      </button>
      <FormError message={error} />
    </form>
  );
}

function Bound({ client, venue, onChange }: PartProps & { venue: PortfolioVenue }): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function toPaper() {
    if (!window.confirm('Go back to paper? The stored key is deleted; orders go to the paper venue.')) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.portfolios.unbindVenue(venue.portfolioId);
      onChange();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  const withdrawals =
    venue.permissions?.withdrawals === null ? 'withdrawals not visible (test network)' : 'withdrawals off';
  return (
    <div className="stack">
      <p data-testid="venue-state">
        Binance spot, key ••••{venue.apiKeyHint} (spot trading on, {withdrawals})
        {venue.boundAt === undefined ? null : `, bound ${new Date(venue.boundAt).toLocaleString()}`}. Orders
        and cancels go to Binance; fills arrive from its user-data stream.
      </p>
      {venue.balances ? (
        <table className="table" data-testid="venue-balances">
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Free</th>
              <th scope="col">Locked</th>
            </tr>
          </thead>
          <tbody>
            {venue.balances.map((b) => (
              <tr key={b.asset}>
                <td>{b.asset}</td>
                <td>{b.free}</td>
                <td>{b.locked}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Balances unavailable now ({venue.balancesError}).</p>
      )}
      <button type="button" className="button" disabled={busy} onClick={() => void toPaper()}>
        Back to paper
      </button>
      <FormError message={error} />
    </div>
  );
}
