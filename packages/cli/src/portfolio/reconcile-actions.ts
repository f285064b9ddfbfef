/**
 * @module `tickline reconcile`: a portfolio's reconciliation reports (its books compared with its
 * venue's report, latest first), or with `--now` one run at once. Fields as the API answers them
 * (`GET`/`POST /portfolios/{id}/reconciliations`, docs/live-strategies.md "Reconciliation").
 */
import { apiClient } from '../api/api-client.ts';
import { num, print, type ApiCommandOptions } from '../api/api-command.ts';
import { badArgument as bad } from '../cli-errors.ts';
import type { CliIo } from '../io.ts';
import { portfolioOf } from '../live/live-run-actions.ts';

type Difference =
  | { kind: 'order_changed'; clientOrderId: string; books: Figures; venue: Figures }
  | { kind: 'order_unknown'; clientOrderId: string; venue: Figures }
  | { kind: 'order_missing'; clientOrderId: string; books: Figures }
  | { kind: 'balance'; asset: string; books: number; venue: number; delta: number };
interface Figures {
  status: string;
  filledQuantity: number;
}

/** One report as the API answers it. */
export interface ReconciliationView {
  reconciliationId: string;
  venue: string;
  trigger: string;
  finishedAt: number;
  agreed: boolean;
  differences: Difference[];
  error?: string;
}

export interface ReconcileOptions extends ApiCommandOptions {
  portfolio?: string;
  now?: boolean;
  limit?: string;
}

const figures = (f: Figures) => `${f.status} (${num(f.filledQuantity)} filled)`;

function formatDifference(d: Difference): string {
  switch (d.kind) {
    case 'order_changed':
      return `order ${d.clientOrderId}: books ${figures(d.books)}, venue ${figures(d.venue)}`;
    case 'order_unknown':
      return `order ${d.clientOrderId}: working at the venue, not in the books (${figures(d.venue)})`;
    case 'order_missing':
      return `order ${d.clientOrderId}: the venue does not know it (books ${figures(d.books)})`;
    case 'balance':
      return `${d.asset}: books ${num(d.books)}, venue ${num(d.venue)} (${d.delta >= 0 ? '+' : ''}${num(d.delta)})`;
  }
}

/** Each report: when, why, at which venue, agreed or not; then each difference, indented. */
export function formatReconciliations(reports: readonly ReconciliationView[], reconciling?: string): string {
  const lines = reconciling === undefined ? [] : [`reconciling now (${reconciling}): new orders wait`];
  if (reports.length === 0) lines.push('no reconciliation yet');
  for (const r of reports) {
    const outcome = r.agreed
      ? `agreed, ${r.differences.length} difference${r.differences.length === 1 ? '' : 's'} corrected`
      : `not agreed: ${r.error ?? 'unknown'}`;
    lines.push(`${new Date(r.finishedAt).toISOString()} ${r.venue} ${r.trigger}: ${outcome}`);
    for (const d of r.differences) lines.push(`  ${formatDifference(d)}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function reconcileCommand(
  io: CliIo,
  o: ReconcileOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  if (o.limit !== undefined && !/^[1-9]\d*$/.test(o.limit))
    throw bad(`--limit must be a positive integer, got ${o.limit}`);
  const call = apiClient(io, o, fetchFn);
  const path = `/portfolios/${encodeURIComponent(await portfolioOf(call, o.portfolio))}/reconciliations`;
  if (o.now) {
    const report = await call<ReconciliationView>('POST', path);
    print(io, o, report, () => formatReconciliations([report]));
    return;
  }
  const answer = await call<{ reconciling: { trigger: string } | null; reports: ReconciliationView[] }>(
    'GET',
    `${path}${o.limit === undefined ? '' : `?limit=${o.limit}`}`,
  );
  print(io, o, answer, () => formatReconciliations(answer.reports, answer.reconciling?.trigger));
}
