/**
 * @module Scheduled backups (docs/operations.md): the schedule in words, the next run, the last
 * run's result (a failed one with its code and message, in the error style) and the archives kept
 * in backup.dir — what `GET /api/v1/admin/backups` and `tickline backup list` answer.
 */
import type { AdminBackupsView, BackupRunView } from '@tickline/protocol';
import type { ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { ADMIN, DATA_REFRESH_MS } from './admin-api.ts';
import { describeSchedule, formatBytes } from './data-format.ts';

const when = (iso: string) => new Date(iso).toLocaleString();

export function BackupsCard(): ReactNode {
  const { client } = useSession();
  const report = usePolling<AdminBackupsView>(
    () => client.request({ method: 'GET', path: `${ADMIN}/backups` }),
    DATA_REFRESH_MS,
    [client],
  );
  const data = report.data;
  return (
    <section className="card stack" aria-labelledby="backups-title" data-testid="backups-card">
      <div className="row-between">
        <h2 id="backups-title">Backups</h2>
        <button type="button" className="button button-small button-ghost" onClick={report.reload}>
          Refresh
        </button>
      </div>
      {report.status === 'error' && !data ? (
        <ErrorState error={report.error} onRetry={report.reload} />
      ) : !data ? (
        <Loading label="Reading…" />
      ) : (
        <>
          <dl className="run-facts" data-testid="backup-facts">
            <div>
              <dt>Schedule</dt>
              <dd>
                {describeSchedule(data.schedule)}
                {data.schedule === null ? null : (
                  <>
                    {' '}
                    <code className="muted small">{data.schedule}</code>
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>Next run</dt>
              <dd>{data.nextRun ? when(data.nextRun) : '—'}</dd>
            </div>
            <div>
              <dt>Keeps</dt>
              <dd>{data.keep} archives</dd>
            </div>
            <div>
              <dt>Directory</dt>
              <dd>
                <code>{data.dir}</code>
              </dd>
            </div>
          </dl>
          {data.schedule === null ? (
            <p className="muted small" data-testid="backup-no-schedule">
              No scheduled backups: set <code>backup.schedule</code> (cron, UTC) to have the server back
              itself up; <code>tickline backup</code> takes one by hand.
            </p>
          ) : null}
          <LastRun run={data.lastRun} />
          <ArchiveList data={data} />
        </>
      )}
    </section>
  );
}

function LastRun({ run }: { run: BackupRunView | null }): ReactNode {
  if (run === null)
    return (
      <p className="muted small" data-testid="backup-last-run">
        No run yet.
      </p>
    );
  if (!run.ok)
    return (
      <div className="state state-error" role="alert" data-testid="backup-last-run">
        <span>
          Last run failed at {when(run.startedAt)}: <code>{run.error?.code ?? 'SERVER_BACKUP_FAILED'}</code>{' '}
          {run.error?.message}
        </span>
      </div>
    );
  return (
    <p className="small" data-testid="backup-last-run">
      <span className="pill pill-good">ok</span> Last run {when(run.startedAt)}
      {run.bytes === undefined ? '' : ` · ${formatBytes(run.bytes)}`} · {(run.durationMs / 1000).toFixed(1)} s
      {run.pruned.length > 0 ? ` · deleted ${run.pruned.length} older` : ''}
    </p>
  );
}

function ArchiveList({ data }: { data: AdminBackupsView }): ReactNode {
  if (data.backups.length === 0) return <Empty title="No archives kept">Nothing in {data.dir} yet.</Empty>;
  return (
    <div className="table-scroll">
      <table data-testid="backup-archives" aria-label="Kept backup archives">
        <thead>
          <tr>
            <th scope="col">Archive</th>
            <th scope="col">Taken</th>
            <th scope="col">Size</th>
          </tr>
        </thead>
        <tbody>
          {data.backups.map((b) => (
            <tr key={b.name}>
              <th scope="row">
                <code>{b.name}</code>
              </th>
              <td>{when(b.createdAt)}</td>
              <td>{formatBytes(b.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
