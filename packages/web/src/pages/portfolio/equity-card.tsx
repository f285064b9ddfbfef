/**
 * @module The portfolio's equity chart with its range buttons (day, week, month): the stored history
 * of the chosen range (one point per bucket, from the server) plus the figures seen while the page
 * is open, so the line moves between stored points. Order events reload the history.
 */
import type { EquityPoint, EquityRange, PortfolioDetail } from '@tickline/client';
import { useEffect, useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Segmented, type SegmentOption } from '../../components/segmented.tsx';
import { ErrorState } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { EquityChart } from './equity-chart.tsx';
import { ORDER_EVENTS, useSettledEvents } from './use-portfolio.ts';

const RANGES: ReadonlyArray<SegmentOption<EquityRange>> = [
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];
/** Live figures kept while the page is open (one per change; a few hours' worth). */
const SEEN_POINTS = 2_000;

export function EquityCard({ portfolio }: { portfolio: PortfolioDetail }): ReactNode {
  const { client } = useSession();
  const id = portfolio.portfolioId;
  const [range, setRange] = useState<EquityRange>('day');
  const history = useAsync(() => client.portfolios.equity(id, { range }), [client, id, range]);
  useSettledEvents(ORDER_EVENTS, history.reload);
  const [seen, setSeen] = useState<EquityPoint[]>([]);
  useEffect(() => {
    setSeen((s) =>
      [...s, { at: Date.now(), equity: portfolio.equity, cash: portfolio.cash }].slice(-SEEN_POINTS),
    );
  }, [portfolio.equity, portfolio.cash]);
  const points = [...(history.data ?? []), ...seen].sort((a, b) => a.at - b.at);

  return (
    <section className="card chart-card" aria-labelledby="equity-title">
      <div className="row spread">
        <h2 id="equity-title">Equity</h2>
        <Segmented label="Range" value={range} options={RANGES} onChange={setRange} testId="equity-range" />
      </div>
      {history.status === 'error' && !history.data ? (
        <ErrorState error={history.error} onRetry={history.reload} />
      ) : null}
      <EquityChart points={points} {...(history.status === 'ready' ? { fitKey: range } : {})} />
    </section>
  );
}
