/**
 * @module The latest kill switch halt's proof under the switch on the Portfolio page: read again
 * whenever the switch moved, and every two seconds while positions are still closing (the server
 * builds it from the order journal at each read).
 */
import type { TicklineClient } from '@tickline/client';
import { useEffect, type ReactNode } from 'react';
import { useAsync } from '../../components/use-async.ts';
import { haltDetailLines, haltVerdictText } from './halt-proof-text.ts';

/** How often a proof still closing positions is read again. */
const CLOSING_POLL_MS = 2_000;

export function HaltProofCard({
  client,
  portfolioId,
  changed,
}: {
  client: TicklineClient;
  portfolioId: string;
  /** A new value (the switch's state) reads the proof again. */
  changed: unknown;
}): ReactNode {
  const halts = useAsync(
    () => client.portfolios.halts(portfolioId, { limit: 1 }),
    [client, portfolioId, changed],
  );
  const latest = halts.data?.[0];
  const closing = latest?.flat !== undefined && !latest.flat.done;
  const { reload } = halts;
  useEffect(() => {
    if (!closing) return;
    const timer = setInterval(reload, CLOSING_POLL_MS);
    return () => clearInterval(timer);
  }, [closing, reload]);
  if (latest === undefined) return null;
  return (
    <div className="stack small" data-testid="halt-proof">
      <p className={latest.halted ? 'up' : 'down'} data-testid="halt-proof-verdict">
        {haltVerdictText(latest)}
      </p>
      <ul className="plain-list">
        {haltDetailLines(latest).map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
