/** @module The chaos run's timeline and its Markdown report (pure, unit tested). */

/** One line of the timeline: when (s since the start), which step, and the outcome. */
export interface TimelineEntry {
  at: number;
  step: string;
  ok: boolean;
  detail: string;
}

/** What the report's header says about the run. */
export interface RunFacts {
  date: string;
  bots: number;
  lagOk: number;
  durationS: number;
}

/** The Markdown report: a verdict, how it was run, and the timeline as a table. */
export function formatTimeline(entries: readonly TimelineEntry[], facts: RunFacts): string {
  const failures = entries.filter((entry) => !entry.ok).length;
  const verdict = failures === 0 ? 'PASSED' : `FAILED (${failures} failed checks)`;
  const escape = (text: string) => text.replaceAll('|', '\\|');
  return [
    '# Chaos report',
    '',
    `Written by \`npm run chaos\` (scripts/cluster/chaos.ts); the last run, committed as it came out.`,
    '',
    `- run: ${facts.date}, ${Math.round(facts.durationS)} s, verdict **${verdict}**`,
    `- topology: PostgreSQL primary and replica, 3 NATS nodes (stream at 3 replicas), Redis, 2 processes of every role`,
    `- load: ${facts.bots} bots at 2 moves/s, 2 market simulators, 3 SSE subscribers; lag counted as drained at ≤ ${facts.lagOk} records`,
    '',
    '| t (s) | step | result | detail |',
    '| ---: | --- | --- | --- |',
    ...entries.map(
      (e) => `| ${e.at.toFixed(1)} | ${escape(e.step)} | ${e.ok ? 'ok' : '**FAIL**'} | ${escape(e.detail)} |`,
    ),
    '',
  ].join('\n');
}
