/**
 * @module The promotion gate's verdict on a strategy version, shown where a live run is enabled:
 * whether the version may go live, each check's value against its limit, and the version's CPU
 * per candle from its newest backtest against the tier's live budget (the forecast before go-live).
 */
import type { ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { useAsync } from '../../components/use-async.ts';

interface GateCheck {
  name: string;
  passed: boolean;
  value: number | boolean | null;
  limit: number | boolean | null;
}
interface GateStatus {
  required: boolean;
  passed: boolean;
  allowed: boolean;
  checks: GateCheck[];
  overrides: Array<{ reason: string; createdAt: string }>;
  forecast: CpuForecast | null;
}
interface CpuForecast {
  forecastMs: number | null;
  budgetMs: number;
  fits: boolean;
}

const LABELS: Record<string, string> = {
  lookahead: 'Look-ahead clean',
  walkForward: 'Walk-forward report',
  outOfSampleSharpe: 'Out-of-sample per-bar Sharpe ≥',
  deflatedSharpe: 'Deflated Sharpe ratio ≥',
  pbo: 'Probability of overfitting ≤',
};
const show = (v: number | boolean | null) =>
  v === null ? '–' : typeof v === 'number' ? v.toFixed(4) : v ? 'yes' : 'no';

/** The forecast line: a version over its tier's live CPU budget is refused whatever the gate says. */
function ForecastLine({ forecast }: { forecast: CpuForecast }): ReactNode {
  const figure =
    forecast.forecastMs === null
      ? 'no backtest measured yet'
      : `${forecast.forecastMs.toFixed(2)} ms per candle in its newest backtest`;
  return (
    <p data-testid="cpu-forecast">
      {forecast.fits ? '✓' : '✗'} CPU forecast: {figure} (live budget {forecast.budgetMs} ms per candle)
      {forecast.fits ? '' : ': over the budget, this version cannot run live'}
    </p>
  );
}

export function GateVerdict({
  strategyId,
  version,
  feed,
}: {
  strategyId: string;
  version: number;
  /** The run's first feed: the verdict is per feed (research on another feed does not count). */
  feed?: { symbol: string; interval: string };
}): ReactNode {
  const { client } = useSession();
  const on = feed === undefined ? '' : `${feed.symbol}:${feed.interval}`;
  const state = useAsync(
    () =>
      client.request<{ gate: GateStatus }>({
        method: 'GET',
        path: `/api/v1/strategies/${encodeURIComponent(strategyId)}/versions/${version}/gate${
          on === '' ? '' : `?feed=${encodeURIComponent(on)}`
        }`,
      }),
    [client, strategyId, version, on],
  );
  const gate = state.data?.gate;
  if (gate === undefined) return null;
  const summary = gate.passed
    ? 'passed'
    : gate.overrides.length > 0
      ? `overridden by an admin: ${gate.overrides[0]!.reason}`
      : gate.required
        ? 'not passed: this version cannot run live yet'
        : 'not passed (not required for your tier)';
  return (
    <details
      className="gate-verdict"
      data-testid="gate-verdict"
      open={!gate.allowed || gate.forecast?.fits === false}
    >
      <summary>
        Promotion gate v{version}
        {feed === undefined ? '' : ` on ${feed.symbol} ${feed.interval}`}: {summary}
      </summary>
      <ul>
        {gate.checks.map((c) => (
          <li key={c.name}>
            {c.passed ? '✓' : '✗'} {LABELS[c.name] ?? c.name}
            {typeof c.limit === 'number' ? ` ${show(c.limit)}` : ''}: {show(c.value)}
          </li>
        ))}
      </ul>
      {gate.forecast ? <ForecastLine forecast={gate.forecast} /> : null}
    </details>
  );
}
