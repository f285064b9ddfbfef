/**
 * @module A live run's profit summary and closed trades on its card, read when opened (a page of
 * runs would otherwise ask for every run's trades at once).
 */
import { useState, type ReactNode } from 'react';
import { TradeResults } from '../portfolio/trade-results.tsx';

export function RunResults(props: { runId: string }): ReactNode {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="run-results"
      data-testid="run-results"
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>Profit and closed trades</summary>
      {open ? <TradeResults source={{ kind: 'run', id: props.runId }} /> : null}
    </details>
  );
}
