import { describe, expect, it } from 'vitest';
import { formatReport } from './research-actions.ts';

const detail = (priorTrials: number, registered?: number) =>
  ({
    research: { id: 'r1', kind: 'search', status: 'succeeded', error: null },
    report: {
      kind: 'search',
      search: { best: { params: { fast: 5 }, score: 1, totalReturn: 0.1 } },
      overfitting: { deflatedSharpe: { value: 0.5, benchmark: 0.01, trials: 4 + priorTrials }, priorTrials, pbo: null, pboNote: 'n' },
      ...(registered === undefined ? {} : { trialRegistry: { declared: priorTrials - registered, registered } }),
    },
  }) as never;

describe('tickline research - the report names where its trials came from', () => {
  it('counts declared trials and those the trial registry counted before', () => {
    expect(formatReport(detail(20))).toContain('24 trials of which 20 declared before)');
    expect(formatReport(detail(7, 5))).toContain('11 trials of which 2 declared and 5 tried before on this strategy and market)');
    expect(formatReport(detail(5, 5))).toContain('9 trials of which 5 tried before on this strategy and market)');
    expect(formatReport(detail(5, 5))).toContain('best of 4: ');
  });
});
