import { describe, expect, it } from 'vitest';
import { recordingIo } from '../test-io.test-support.ts';
import { archiveCommand, formatBytes } from './archive-actions.ts';

const FEB = Date.UTC(2026, 1, 1);
const view = {
  enabled: true,
  afterDays: 90,
  dir: '/data/archive/market',
  totals: { files: 1, rows: 672, sqlBytes: 120_000, fileBytes: 20_000, savedBytes: 100_000 },
  files: [
    {
      exchange: 'sim',
      symbol: 'BTC-USDT',
      interval: '1h',
      month: '2026-02',
      rangeFrom: FEB,
      rangeTo: Date.UTC(2026, 2, 1),
      file: '/data/archive/market/sim/BTC-USDT/1h/2026-02.0123456789ab.parquet',
      rows: 672,
      sqlBytes: 120_000,
      fileBytes: 20_000,
      archivedAt: FEB,
    },
  ],
};

/** A server answering each `METHOD path` from `answers`, recording what was asked. */
function server(answers: Record<string, unknown>) {
  const asked: string[] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${url.replace('http://127.0.0.1:8080/api/v1', '')}`;
    asked.push(key);
    return new Response(JSON.stringify(answers[key] ?? {}), { headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { asked, fetchFn };
}

describe('tickline market archive', () => {
  it('archive - shows the settings, the size saved and one line per file', async () => {
    const { io, text } = recordingIo();
    const { asked, fetchFn } = server({ 'GET /markets/archive?symbol=BTC-USDT': view });
    await archiveCommand(io, { symbol: 'BTC-USDT', token: 't' }, fetchFn);
    expect(asked).toEqual(['GET /markets/archive?symbol=BTC-USDT']);
    expect(text()).toContain('archive: on, months older than 90 days; files under /data/archive/market');
    expect(text()).toContain('1 files, 672 candles: 117 KB in SQL before, 20 KB on disk, 98 KB saved');
    expect(text()).toMatch(/2026-02 +BTC-USDT 1h \(sim\) +672 +117 KB +20 KB +\/data\/archive/);
  });

  it('archive --run - runs the maintenance job first; a failed run is an error, not a listing', async () => {
    const ran = recordingIo();
    const ok = server({
      'POST /markets/jobs/partition-maintenance/run': {
        run: { status: 'succeeded', details: { archive: { files: 1, rows: 672, sqlBytes: 120_000, fileBytes: 20_000 } } },
      },
      'GET /markets/archive': view,
    });
    await archiveCommand(ran.io, { run: true, token: 't' }, ok.fetchFn);
    expect(ok.asked).toEqual(['POST /markets/jobs/partition-maintenance/run', 'GET /markets/archive']);
    expect(ran.text()).toMatch(/^archived now: 1 files, 672 candles \(117 KB in SQL → 20 KB on disk\)/);

    const failed = server({
      'POST /markets/jobs/partition-maintenance/run': {
        run: { status: 'failed', error: 'archived candles /x do not read back as written' },
      },
    });
    await expect(archiveCommand(recordingIo().io, { run: true, token: 't' }, failed.fetchFn)).rejects.toThrow(
      /archive run failed: archived candles \/x do not read back/,
    );
    expect(failed.asked).toEqual(['POST /markets/jobs/partition-maintenance/run']);
  });

  it('archive - bytes read in their largest unit', () => {
    expect([0, 1023, 1024, 10 * 1024 * 1024, 3.5 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KB',
      '10 MB',
      '3.5 GB',
    ]);
  });
});
