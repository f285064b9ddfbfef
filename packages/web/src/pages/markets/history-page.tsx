/**
 * @module Get history: any signed-in user fetches a venue's klines (Binance, Coinbase, Upbit;
 * a share from Alpaca, or daily from KIS, through the server's account) for a symbol, interval
 * and range into the server's shared history
 * (`POST /api/v1/history/downloads`), with progress by UTC days from `history.download.progress`
 * on `user:{id}`. Days someone already fetched cost nothing; asking again resumes a failed one.
 */
import { useEvents } from '@tickline/client/react';
import {
  EventType,
  HISTORY_DOWNLOAD_VENUES as VENUES,
  type HistoryDownload,
  type HistoryDownloadEvent,
} from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';

const INTERVALS = ['1m', '5m', '15m', '1h', '1d'] as const;
const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function downloadText(d: HistoryDownload): string {
  const held = d.daysDone - d.venueDays;
  const state = d.status === 'complete' ? 'Done' : d.status === 'failed' ? 'Stopped' : 'Downloading';
  return `${state}: ${d.symbol} ${d.interval} from ${d.venue}, ${d.daysDone} of ${d.daysTotal} days (${d.venueDays} fetched, ${held} already held) · ${d.candles.toLocaleString('en-US')} candles`;
}

export function HistoryPage(): ReactNode {
  const { client } = useSession();
  const [current, setCurrent] = useState<HistoryDownload>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The form opens on the last full week: closed days, held for good once fetched.
  const [range] = useState(() => {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    return { from: day(today - 7 * DAY_MS), to: day(today) };
  });
  const list = useAsync(
    () =>
      client.request<{ downloads: HistoryDownload[] }>({
        method: 'GET',
        path: '/api/v1/history/downloads?limit=20',
      }),
    [client],
  );

  useEvents<HistoryDownloadEvent>(
    [EventType.HistoryDownloadProgress, EventType.HistoryDownloadCompleted],
    (event) => {
      const d = event.data.download;
      setCurrent((c) => (c === undefined || c.id === d.id ? d : c));
      if (event.type === EventType.HistoryDownloadCompleted) list.reload();
    },
  );

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(undefined);
    setBusy(true);
    try {
      const { download } = await client.request<{ download: HistoryDownload }>({
        method: 'POST',
        path: '/api/v1/history/downloads',
        body: {
          venue: formText(form, 'venue'),
          symbol: formText(form, 'symbol').trim().toUpperCase(),
          interval: formText(form, 'interval'),
          from: `${formText(form, 'from')}T00:00:00Z`,
          to: `${formText(form, 'to')}T00:00:00Z`,
        },
      });
      setCurrent(download);
      list.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Get history</h1>
        <p className="muted">
          Real candles from a venue&apos;s public API, kept on this server for everyone: days already
          downloaded by anyone cost nothing. The same from a terminal:{' '}
          <code>
            tickline market download --symbol BTC-USDT --interval 1h --venue binance --from … --to …
          </code>
        </p>
      </header>
      <section className="card stack" aria-labelledby="history-download-title">
        <h2 id="history-download-title">Download</h2>
        <form className="stack" onSubmit={(e) => void onSubmit(e)} aria-label="Get history">
          <FormError message={error} />
          <label className="field">
            <span className="field-label">Venue</span>
            <select name="venue" defaultValue="binance">
              {VENUES.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </label>
          <Field
            label="Symbol"
            name="symbol"
            defaultValue="BTC-USDT"
            required
            hint="BASE-QUOTE, e.g. BTC-USDT (Upbit: BTC-KRW, Coinbase: BTC-USD); a share on Alpaca: AAPL.US, on KIS (1d): 005930.KS"
          />
          <label className="field">
            <span className="field-label">Candle size</span>
            <select name="interval" defaultValue="1h">
              {INTERVALS.map((i) => (
                <option key={i}>{i}</option>
              ))}
            </select>
          </label>
          <Field label="From (UTC day)" name="from" type="date" defaultValue={range.from} required />
          <Field label="To (UTC day, not included)" name="to" type="date" defaultValue={range.to} required />
          <button type="submit" className="button button-primary" disabled={busy}>
            Get history
          </button>
        </form>
        {current ? (
          <div className="stack">
            <progress
              className="progress-wide"
              max={current.daysTotal}
              value={current.daysDone}
              aria-label="download progress"
              data-testid="download-progress"
            />
            <p data-testid="download-status">{downloadText(current)}</p>
            {current.error ? (
              <p className="form-error" role="alert">
                {current.error.message} ({current.error.code}). Get history again to resume where it stopped.
              </p>
            ) : null}
            {current.status === 'complete' ? (
              <p>
                Backtest on it from a <Link to="/strategies">strategy</Link>: {current.symbol},{' '}
                {current.interval}, {current.from.slice(0, 10)} to {current.to.slice(0, 10)}.
              </p>
            ) : null}
          </div>
        ) : null}
      </section>
      <section className="card stack" aria-labelledby="history-downloads-title">
        <h2 id="history-downloads-title">Your downloads</h2>
        {list.status === 'error' ? (
          <p className="form-error">{errorMessage(list.error)}</p>
        ) : (list.data?.downloads ?? []).length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ul className="stack" data-testid="download-list">
            {list.data!.downloads.map((d) => (
              <li key={d.id}>
                {downloadText(d)} — {d.from.slice(0, 10)} to {d.to.slice(0, 10)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
