/**
 * @module The admin's kline uploads, newest first: what each stored, and a Delete that takes the
 * upload's candles out of the imported history (asked first: backtests over that range lose them;
 * recorded candles stay). Imported history is kept until then, whatever the candle retention.
 */
import { deleteKlineUpload, listKlineUploads, type KlineUpload, type UploadCall } from '@tickline/client';
import type { ReactNode } from 'react';
import { FormError } from '../../components/field.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { usePendingAction } from '../../components/use-pending-action.ts';

/** An ISO time to the minute, as the list reads it: `2021-07-17 20:00`. */
const minute = (iso: string | null): string => (iso === null ? '-' : iso.slice(0, 16).replace('T', ' '));
const label = (u: KlineUpload): string => `${u.name ?? 'upload'} (${u.symbol} ${u.interval})`;

/** `refresh` changes when an upload ended, so the list shows it. */
export function HistoryUploadList({ call, refresh }: { call: UploadCall; refresh: number }): ReactNode {
  const uploads = useAsync(() => listKlineUploads(call), [call, refresh]);
  const { pending, error, run } = usePendingAction();
  const onDelete = (upload: KlineUpload) => {
    const question = `Delete ${label(upload)} and its ${upload.candles.toLocaleString('en-US')} candles? Backtests over that range no longer see them; recorded candles stay.`;
    if (!window.confirm(question)) return;
    void run(async () => {
      await deleteKlineUpload(call, upload.id);
      uploads.reload();
    });
  };
  if (uploads.status === 'error' && !uploads.data)
    return <ErrorState error={uploads.error} onRetry={uploads.reload} />;
  if (!uploads.data) return <Loading label="Loading uploads…" />;
  if (uploads.data.length === 0) return <Empty title="No uploads yet" />;
  return (
    <div className="stack">
      <FormError message={error} />
      <ul className="list" aria-label="Your uploads">
        {uploads.data.map((u) => (
          <li key={u.id} className="row-between" data-upload={u.id}>
            <span>
              <strong>{label(u)}</strong>{' '}
              <span className="muted small">
                {u.candles.toLocaleString('en-US')} candles
                {u.from ? ` from ${minute(u.from)} to ${minute(u.to)}` : ''} ·{' '}
                {u.status === 'complete' ? 'complete' : `receiving (line ${u.rows})`}
              </span>
            </span>
            <button
              type="button"
              className="button button-small button-danger"
              disabled={pending}
              aria-label={`Delete ${label(u)}`}
              onClick={() => onDelete(u)}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
