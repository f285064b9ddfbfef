/**
 * @module What `tickline live parity` does: asks the server for a parity report and prints it as a
 * table, or (`--latest`) prints the platform's latest check of the run (its monitor's, no replay).
 */
import type { LiveRun, ParityReportView } from '@tickline/protocol';
import { CliError } from '../cli-errors.ts';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';
import { apiClient, type ApiOptions } from '../api/api-client.ts';

type Row = ParityReportView['rows'][number];
type Decision = NonNullable<Row['live']>;

/** Rows shown on each side of the first divergence (all with `--all`). */
const CONTEXT_ROWS = 5;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function decision(d: Decision | undefined): string {
  if (d === undefined) return '—';
  const size =
    d.percent === undefined
      ? `${+d.quantity.toPrecision(8)}`
      : `${d.percent}% (${+d.quantity.toPrecision(8)})`;
  return `${d.side} ${d.type} ${d.symbol} ${size}${d.price === undefined ? '' : ` @ ${+d.price.toPrecision(10)}`}`;
}

type ParityCheck = NonNullable<LiveRun['parity']>;

/** The monitor's latest check in one line (or two, naming both sides of the first divergence). */
export function formatParityCheck(p: ParityCheck): string {
  const first = p.firstDivergence;
  if (first === undefined) return `parity checked ${iso(p.checkedAt)}: identical, ${p.decisions} decisions`;
  const at = first.live ?? first.replay;
  return (
    `parity checked ${iso(p.checkedAt)}: diverges at decision ${first.decision}` +
    (at === undefined ? '' : ` (candle ${iso(at.candleCloseTime)})`) +
    `: ${first.field} differs\n  live ${decision(first.live)}; replay ${decision(first.replay)}`
  );
}

/** The report as text: a header, the summary, and the rows (those around the first divergence). */
export function formatParity(report: ParityReportView, all = false): string {
  const w = report.window;
  const lines = [
    `parity of ${report.runId} (version ${report.version}): ${report.summary}`,
    `window ${iso(w.fromMs)} → ${iso(w.toMs)}: ${w.candles} candles after ${w.warmupCandles} of warm-up` +
      (w.pausedCandles > 0 ? `, ${w.pausedCandles} skipped while paused; ` : '; ') +
      `${report.liveDecisions} live decisions, ${report.replayDecisions} replayed`,
  ];
  const first = report.firstDivergence;
  const shown = all
    ? report.rows
    : first === undefined
      ? []
      : report.rows.slice(Math.max(0, first - CONTEXT_ROWS), first + CONTEXT_ROWS + 1);
  if (shown.length === 0) return `${lines.join('\n')}\n`;
  const table = shown.map((r) => [
    `${r.index === first ? '>' : ' '} ${r.index + 1}`,
    iso((r.live ?? r.replay)!.candleCloseTime),
    decision(r.live),
    decision(r.replay),
    r.differs.length === 0 ? '' : `differs: ${r.differs.join(', ')}`,
  ]);
  lines.push('', ...alignColumns(['  #', 'candle', 'live', 'replay', ''], table));
  return `${lines.join('\n')}\n`;
}

export async function liveParityCommand(
  io: CliIo,
  id: string,
  o: ApiOptions & { withVersion?: string; all?: boolean; json?: boolean; latest?: boolean },
  fetchFn?: typeof fetch,
): Promise<number> {
  const call = apiClient(io, o, fetchFn);
  if (o.latest === true) {
    const { run } = await call<{ run: LiveRun }>('GET', `/live-strategies/${encodeURIComponent(id)}`);
    // Not checked yet (it decided nothing since it was enabled, or the schedule has not come).
    if (run.parity === undefined) {
      io.out(o.json ? 'null\n' : `no parity check of ${id} yet: \`tickline live parity ${id}\` replays it now\n`);
      return 0;
    }
    io.out(o.json ? `${JSON.stringify(run.parity)}\n` : `${formatParityCheck(run.parity)}\n`);
    return run.parity.state === 'identical' ? 0 : 1;
  }
  let query = '';
  if (o.withVersion !== undefined) {
    if (!/^[1-9]\d*$/.test(o.withVersion))
      throw new CliError('SERVER_INVALID_ARGUMENT', '--with-version must be a positive integer');
    query = `?version=${o.withVersion}`;
  }
  const { parity } = await call<{ parity: ParityReportView }>('GET', `/live-strategies/${encodeURIComponent(id)}/parity${query}`);
  io.out(o.json ? `${JSON.stringify(parity)}\n` : formatParity(parity, o.all === true));
  return parity.identical ? 0 : 1;
}
