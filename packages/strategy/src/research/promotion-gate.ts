/**
 * @module The promotion gate: the verdict on whether a strategy version may run live, from the
 * research reports on that version. It passes when the newest look-ahead report is clean and the
 * newest walk-forward report clears every threshold (out-of-sample Sharpe floor, deflated
 * Sharpe floor, PBO ceiling). A verdict is per version and feed: a report counts for a live run
 * only when it researched every feed the run reads (a pass on ETH-USDT 1h is not a pass on
 * BTC-USDT 1m). Pure: the caller reads the reports and the thresholds.
 */
import { z } from 'zod';
import type { ResearchKind, ResearchReport } from './research-report.ts';

export const GateThresholdsSchema = z
  .object({
    requiredTiers: z
      .array(z.enum(['free', 'premium', 'enterprise']))
      // Every tier but the admin's (an admin's own runs are not gated): a stranger's bot trades
      // only after research on the feeds it reads. `[]` turns the gate off.
      .default(['free', 'premium', 'enterprise'])
      .describe(
        'Tiers whose users may enable a live run only after the gate passed (admins may override per version); [] turns the gate off.',
      ),
    requireLookahead: z
      .boolean()
      .default(true)
      .describe('A clean look-ahead report on the version is needed.'),
    minOutOfSampleBarSharpe: z
      .number()
      .default(0)
      .describe('Least per-bar Sharpe ratio of the stitched walk-forward out-of-sample equity.'),
    minDeflatedSharpe: z
      .number()
      .min(0)
      .max(1)
      .default(0.95)
      .describe('Least deflated Sharpe ratio (probability the best trial beats luck).'),
    maxPbo: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Largest probability of backtest overfitting (CSCV).'),
  })
  .prefault({});
export type GateThresholds = z.output<typeof GateThresholdsSchema>;

export interface GateCheck {
  name: 'lookahead' | 'walkForward' | 'outOfSampleSharpe' | 'deflatedSharpe' | 'pbo';
  passed: boolean;
  value: number | boolean | null;
  limit: number | boolean | null;
  /** The research run the value comes from (null: no such report yet). */
  researchId: string | null;
}

export interface GateVerdict {
  passed: boolean;
  checks: GateCheck[];
}

/** A market series a report researched or a live run reads. */
export interface GateFeed {
  symbol: string;
  interval: string;
}

export interface StoredReport {
  id: string;
  kind: ResearchKind;
  report: ResearchReport;
  /** The feeds it researched (absent: unknown, which counts for no feed). */
  feeds?: readonly GateFeed[];
}

/** The reports (newest first) that researched every one of `feeds`. */
export function reportsOnFeeds<R extends StoredReport>(
  reports: readonly R[],
  feeds: readonly GateFeed[],
): R[] {
  return reports.filter((r) =>
    feeds.every((f) => r.feeds?.some((x) => x.symbol === f.symbol && x.interval === f.interval) === true),
  );
}

/** `BTC-USDT 1m, ETH-USDT 1h`: feeds as a person reads them. */
export const feedsText = (feeds: readonly GateFeed[]): string =>
  feeds.map((f) => `${f.symbol} ${f.interval}`).join(', ');

/** The verdict over `reports` (newest first) of one version. */
export function evaluateGate(reports: readonly StoredReport[], t: GateThresholds): GateVerdict {
  const checks: GateCheck[] = [];
  if (t.requireLookahead) {
    const look = reports.find((r) => r.kind === 'lookahead');
    const ok = look?.report.kind === 'lookahead' ? look.report.lookahead.ok : null;
    checks.push({
      name: 'lookahead',
      passed: ok === true,
      value: ok,
      limit: true,
      researchId: look?.id ?? null,
    });
  }
  const wf = reports.find((r) => r.kind === 'walk-forward');
  const report = wf?.report.kind === 'walk-forward' ? wf.report : undefined;
  const id = wf?.id ?? null;
  checks.push({
    name: 'walkForward',
    passed: report !== undefined,
    value: report !== undefined,
    limit: true,
    researchId: id,
  });
  const oos = report?.walkForward.outOfSampleBarSharpe ?? null;
  checks.push({
    name: 'outOfSampleSharpe',
    passed: oos !== null && oos >= t.minOutOfSampleBarSharpe,
    value: oos,
    limit: t.minOutOfSampleBarSharpe,
    researchId: id,
  });
  const dsr = report?.overfitting.deflatedSharpe.value ?? null;
  checks.push({
    name: 'deflatedSharpe',
    passed: dsr !== null && dsr >= t.minDeflatedSharpe,
    value: dsr,
    limit: t.minDeflatedSharpe,
    researchId: id,
  });
  // A grid of one set has no PBO: nothing was chosen, so nothing can be overfit by the choice.
  const pbo = report === undefined ? null : (report.overfitting.pbo?.value ?? 0);
  checks.push({
    name: 'pbo',
    passed: pbo !== null && pbo <= t.maxPbo,
    value: pbo,
    limit: t.maxPbo,
    researchId: id,
  });
  return { passed: checks.every((c) => c.passed), checks };
}
