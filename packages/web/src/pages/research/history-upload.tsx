/**
 * @module The history upload beside research (admins): a venue kline CSV sent while the server
 * runs, read as a stream and sent in resumable chunks (`uploadKlineCsv`), with a progress bar by
 * bytes the server accepted. A failed upload can be resumed where the server stopped; the list
 * below the form deletes an upload with its candles. Simulator candles are not history; this is
 * how real history gets in.
 */
import { isRetryableError, uploadKlineCsv, type KlineUpload, type UploadCall } from '@tickline/client';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useSession, useUser } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { errorMessage } from '../../components/states.tsx';
import { HistoryUploadList } from './history-upload-list.tsx';

/** `BTCUSDT-1m-2024-01.csv` → symbol and interval, as the CLI reads a data.binance.vision name. */
function fromFileName(name: string): { symbol?: string; interval?: string } {
  const m = /^([A-Z0-9]+?)(USDT|USDC|BUSD|BTC|ETH|EUR)-(\w+)-\d{4}-\d{2}/i.exec(name);
  return m ? { symbol: `${m[1]!.toUpperCase()}-${m[2]!.toUpperCase()}`, interval: m[3]! } : {};
}

async function* fileText(file: File): AsyncGenerator<string> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

export function HistoryUpload({ intervals }: { intervals: readonly string[] }): ReactNode {
  const { client } = useSession();
  const user = useUser();
  const [upload, setUpload] = useState<KlineUpload>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Uploads ended: the list reloads on each.
  const [ended, setEnded] = useState(0);
  const call = useMemo<UploadCall>(
    () => (method, path, body) =>
      client.request({ method, path: `/api/v1${path}`, ...(body === undefined ? {} : { body }) }),
    [client],
  );
  if (user.role !== 'admin') return null;
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return setError('Choose a kline CSV file.');
    const named = fromFileName(file.name);
    setError(undefined);
    setBusy(true);
    try {
      const resume =
        upload && upload.status !== 'complete' && form.get('resume') === 'on' ? upload.id : undefined;
      await uploadKlineCsv({
        call,
        text: fileText(file),
        symbol: formText(form, 'symbol') || named.symbol || '',
        interval: formText(form, 'interval') || named.interval || '1m',
        name: file.name,
        totalBytes: file.size,
        ...(resume ? { resume } : {}),
        retryable: isRetryableError,
        onProgress: setUpload,
      });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      setEnded((n) => n + 1);
    }
  };
  const fraction = upload?.totalBytes ? upload.receivedBytes / upload.totalBytes : 0;
  return (
    <section className="card stack" aria-labelledby="history-upload-title">
      <h2 id="history-upload-title">Upload history</h2>
      <p className="muted">
        A venue kline CSV (Binance&apos;s layout, as data.binance.vision publishes it). Simulator candles are
        generated, not history: research on them says nothing about a market.
      </p>
      <form className="stack" onSubmit={(e) => void onSubmit(e)} aria-label="Upload history">
        <FormError message={error} />
        <label className="field">
          <span className="field-label">Kline CSV file</span>
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <Field label="Upload symbol" name="symbol" placeholder="from the file name, e.g. BTC-USDT" />
        <label className="field">
          <span className="field-label">Upload candle size</span>
          <select name="interval" defaultValue="">
            <option value="">from the file name</option>
            {intervals.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
        </label>
        {upload && upload.status !== 'complete' ? (
          <label className="field">
            <input type="checkbox" name="resume" defaultChecked /> Resume at line {upload.rows}
          </label>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          Upload
        </button>
      </form>
      {upload ? (
        <div className="stack">
          <progress
            className="progress-wide"
            max={1}
            value={fraction}
            aria-label="upload progress"
            data-testid="upload-progress"
          />
          <p data-testid="upload-status">
            {upload.status === 'complete' ? 'Uploaded' : 'Uploading'}:{' '}
            {upload.candles.toLocaleString('en-US')} candles of {upload.symbol} {upload.interval}
            {upload.from ? ` from ${upload.from.slice(0, 16)} to ${upload.to?.slice(0, 16)}` : ''} ·{' '}
            {(fraction * 100).toFixed(0)} %
          </p>
        </div>
      ) : null}
      <h3>Uploaded files</h3>
      <p className="muted small">
        Imported candles are kept until their upload is deleted, whatever the candle retention; where a
        recorded candle has the same time, the recorded one is used.
      </p>
      <HistoryUploadList call={call} refresh={ended} />
    </section>
  );
}
