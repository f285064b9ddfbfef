/**
 * @module The archive tier (market.archive, docs/operations.md): months of candles moved from SQL
 * to Parquet files — how many partitions, their rows, their size in SQL before against the files'
 * and the saving — and the newest files; what `GET /api/v1/markets/archive` and `tickline market
 * archive` answer.
 */
import type { MarketArchiveView } from '@tickline/protocol';
import type { ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { DATA_REFRESH_MS } from './admin-api.ts';
import { formatBytes, formatSaved } from './data-format.ts';

/** The archive route (market's, not under /admin: it checks the admin role itself). */
const ARCHIVE_PATH = '/api/v1/markets/archive';
/** Files listed: the newest few keep the section short; the totals count them all. */
const FILES_SHOWN = 8;

export function ArchiveCard(): ReactNode {
  const { client } = useSession();
  const archive = usePolling<MarketArchiveView>(
    () => client.request({ method: 'GET', path: ARCHIVE_PATH, query: { limit: FILES_SHOWN } }),
    DATA_REFRESH_MS,
    [client],
  );
  const data = archive.data;
  return (
    <section className="card stack" aria-labelledby="archive-title" data-testid="archive-card">
      <div className="row-between">
        <h2 id="archive-title">
          Archive{' '}
          {data ? (
            <span className={data.enabled ? 'pill pill-good' : 'pill'} data-testid="archive-state">
              {data.enabled ? `on · after ${data.afterDays} days` : 'off'}
            </span>
          ) : null}
        </h2>
        <button type="button" className="button button-small button-ghost" onClick={archive.reload}>
          Refresh
        </button>
      </div>
      {archive.status === 'error' && !data ? (
        <ErrorState error={archive.error} onRetry={archive.reload} />
      ) : !data ? (
        <Loading label="Reading…" />
      ) : (
        <ArchiveBody data={data} />
      )}
    </section>
  );
}

function ArchiveBody({ data }: { data: MarketArchiveView }): ReactNode {
  const { totals } = data;
  return (
    <>
      <dl className="run-facts" data-testid="archive-totals">
        <div>
          <dt>Partitions archived</dt>
          <dd>{totals.files}</dd>
        </div>
        <div>
          <dt>Rows</dt>
          <dd>{totals.rows.toLocaleString()}</dd>
        </div>
        <div>
          <dt>In SQL before</dt>
          <dd>{formatBytes(totals.sqlBytes)}</dd>
        </div>
        <div>
          <dt>As files</dt>
          <dd>{formatBytes(totals.fileBytes)}</dd>
        </div>
        <div>
          <dt>Saved</dt>
          <dd data-testid="archive-saved">
            {formatBytes(totals.savedBytes)} ({formatSaved(totals.sqlBytes, totals.fileBytes)})
          </dd>
        </div>
      </dl>
      {data.files.length === 0 ? (
        <Empty title="Nothing archived yet">
          {data.enabled
            ? `Months of candles older than ${data.afterDays} days move to Parquet files in ${data.dir} with the partition-maintenance job.`
            : 'Set market.archive.enabled to move old months of candles from SQL to Parquet files; charts and backtests read them back.'}
        </Empty>
      ) : (
        <div className="table-scroll">
          <table data-testid="archive-files" aria-label="Newest archived partitions">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Market</th>
                <th scope="col">Rows</th>
                <th scope="col">SQL → file</th>
                <th scope="col">Saved</th>
              </tr>
            </thead>
            <tbody>
              {data.files.map((f) => (
                <tr key={f.file} title={f.file}>
                  <th scope="row">{f.month}</th>
                  <td>
                    {f.exchange} {f.symbol} {f.interval}
                  </td>
                  <td>{f.rows.toLocaleString()}</td>
                  <td>
                    {formatBytes(f.sqlBytes)} → {formatBytes(f.fileBytes)}
                  </td>
                  <td>{formatSaved(f.sqlBytes, f.fileBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {totals.files > data.files.length ? (
            <p className="muted small">
              The newest {data.files.length} of {totals.files}; <code>tickline market archive</code> lists
              them all.
            </p>
          ) : null}
        </div>
      )}
    </>
  );
}
