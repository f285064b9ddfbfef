/** @module Event streams: rates per type, consumer lag, and the dead letters with retry and discard. */
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { useLive } from '../../components/use-live.ts';
import { usePolling } from '../../components/use-polling.ts';
import type { DeadLetter, Streams } from '@tickline/protocol';
import { ADMIN, ADMIN_REFRESH_MS, AdminChannel } from './admin-api.ts';

/** Event types listed, busiest first. */
const TOP_TYPES = 10;

export function StreamsPanel(): ReactNode {
  const { client } = useSession();
  const streams = useLive(
    () => client.request<Streams>({ method: 'GET', path: `${ADMIN}/streams` }),
    [client],
    {
      ...AdminChannel.Streams,
      pick: (data: Streams) => data,
    },
  );
  const letters = usePolling(
    async () =>
      (
        await client.request<{ letters: DeadLetter[] }>({
          method: 'GET',
          path: `${ADMIN}/dead-letters?status=open`,
        })
      ).letters,
    ADMIN_REFRESH_MS * 2,
    [client],
  );
  const [message, setMessage] = useState<string>();

  async function handle(letter: DeadLetter, action: 'retry' | 'discard') {
    try {
      await client.request({
        method: 'POST',
        path: `${ADMIN}/dead-letters/${letter.offset}/${action}`,
        body: {},
      });
      setMessage(`${action === 'retry' ? 'Retried' : 'Discarded'} dead letter ${letter.offset}.`);
      letters.reload();
    } catch (error) {
      setMessage(errorMessage(error));
    }
  }

  const data = streams.data;
  return (
    <section className="card stack" aria-labelledby="streams-title">
      <h2 id="streams-title">Event streams</h2>
      {streams.status === 'error' && !data ? (
        <ErrorState error={streams.error} onRetry={streams.reload} />
      ) : !data ? (
        <Loading label="Loading streams…" />
      ) : (
        <>
          <p className="muted small">
            {data.log.name}: offsets {data.log.head.first}–{data.log.head.last} ·{' '}
            {data.rates.perSecond.toFixed(1)} events/s over {Math.round(data.rates.windowMs / 1000)} s
          </p>
          <div className="grid grid-2">
            <table>
              <caption className="visually-hidden">Events per second by type</caption>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">
                    /s
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...data.rates.byType]
                  .sort((a, b) => b.perSecond - a.perSecond)
                  .slice(0, TOP_TYPES)
                  .map((t) => (
                    <tr key={t.type}>
                      <td>
                        <code>{t.type}</code>
                      </td>
                      <td className="num">{t.perSecond.toFixed(1)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
            <table>
              <caption className="visually-hidden">Consumer lag</caption>
              <thead>
                <tr>
                  <th scope="col">Consumer</th>
                  <th scope="col" className="num">
                    Lag
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.consumers.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td className={`num ${c.lag > 0 ? 'down' : ''}`}>{c.lag}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h3>Dead letters</h3>
      {message ? (
        <p className="muted" role="status">
          {message}
        </p>
      ) : null}
      {letters.status === 'error' && !letters.data ? (
        <ErrorState error={letters.error} onRetry={letters.reload} />
      ) : !letters.data ? (
        <Loading label="Loading dead letters…" />
      ) : letters.data.length === 0 ? (
        <Empty title="No open dead letters" />
      ) : (
        <ul className="key-list">
          {letters.data.map((letter) => (
            <li key={letter.offset} className="key">
              <div>
                <code>{letter.record.type}</code> <span className="muted small">→ {letter.consumer}</span>
                <div className="muted small">
                  {letter.error.code}: {letter.error.message} · {letter.attempts} attempts
                </div>
              </div>
              <div className="row">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => void handle(letter, 'retry')}
                >
                  Retry
                </button>
                <button
                  type="button"
                  className="button button-small button-danger"
                  onClick={() => void handle(letter, 'discard')}
                >
                  Discard
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
