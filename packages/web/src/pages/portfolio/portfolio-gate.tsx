/**
 * @module What a portfolio page shows before its portfolio is there: the error with a retry, the
 * first load, or the wait for the sign-up snapshot that opens it. Pages render their body once
 * it is there.
 */
import type { PortfolioDetail } from '@tickline/client';
import type { ReactNode } from 'react';
import { ErrorState, Loading } from '../../components/states.tsx';
import type { usePortfolio } from './use-portfolio.ts';

export function PortfolioGate({
  state,
  children,
}: {
  state: ReturnType<typeof usePortfolio>;
  children: (portfolio: PortfolioDetail) => ReactNode;
}): ReactNode {
  if (state.status === 'error' && !state.data)
    return <ErrorState error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading label="Loading portfolio…" />;
  if (state.data === null) {
    return <Loading label="Setting up your paper portfolio — it appears here as soon as it is ready." />;
  }
  return children(state.data);
}
