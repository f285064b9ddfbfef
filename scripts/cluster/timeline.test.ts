import { describe, expect, it } from 'vitest';
import { formatTimeline } from './timeline.ts';

const facts = { date: '2026-11-22T23:50:00.000Z', bots: 10, lagOk: 20, durationS: 312.4 };

describe('chaos timeline report', () => {
  it('report - PASSED with every check ok; one table row per entry, pipes escaped', () => {
    const report = formatTimeline(
      [
        { at: 1.25, step: 'kill -9 game-1', ok: true, detail: 'pid 7 killed' },
        { at: 3, step: 'audit', ok: true, detail: 'a | b' },
      ],
      facts,
    );
    expect(report).toContain('verdict **PASSED**');
    expect(report).toContain('312 s');
    expect(report).toContain('| 1.3 | kill -9 game-1 | ok | pid 7 killed |');
    expect(report).toContain('| 3.0 | audit | ok | a \\| b |');
  });

  it('report - FAILED names how many checks failed and marks them', () => {
    const report = formatTimeline(
      [
        { at: 1, step: 'restart Redis', ok: false, detail: 'lag stayed at 400' },
        { at: 2, step: 'audit', ok: false, detail: 'x' },
        { at: 3, step: 'audit', ok: true, detail: 'y' },
      ],
      facts,
    );
    expect(report).toContain('verdict **FAILED (2 failed checks)**');
    expect(report).toContain('| 1.0 | restart Redis | **FAIL** | lag stayed at 400 |');
  });
});
