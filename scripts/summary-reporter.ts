/**
 * @module A Vitest reporter that ends the run with the slowest files (where a long run spends its
 * time, at the tail of a CI log that keeps only the tail) and one plain line,
 * `Tests: N passed, N failed, N skipped`, which CI log readers understand regardless of the runner.
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const SLOWEST = 20;

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) counts.failed++;
    }
    process.stdout.write(slowest(testModules));
    process.stdout.write(
      `\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}

function slowest(testModules: ReadonlyArray<TestModule>): string {
  const timed = testModules
    .map((module) => {
      const d = module.diagnostic();
      return { file: relative(process.cwd(), module.moduleId), ms: d.duration + d.collectDuration };
    })
    .sort((a, b) => b.ms - a.ms)
    .slice(0, SLOWEST);
  const total = testModules.reduce(
    (sum, m) => sum + m.diagnostic().duration + m.diagnostic().collectDuration,
    0,
  );
  const lines = timed.map(({ file, ms }) => `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`);
  // Per project too: which kind of test a long run spends its time on (unit files run two at a time).
  const byProject = new Map<string, { files: number; ms: number }>();
  for (const m of testModules) {
    const name = m.project.name || 'default';
    const entry = byProject.get(name) ?? { files: 0, ms: 0 };
    entry.files++;
    entry.ms += m.diagnostic().duration + m.diagnostic().collectDuration;
    byProject.set(name, entry);
  }
  const projects = [...byProject]
    .map(([name, { files, ms }]) => `${name} ${(ms / 1000).toFixed(0)} s in ${files} files`)
    .join(', ');
  return `\nSlowest files (${(total / 1000).toFixed(0)} s across all files: ${projects}):\n${lines.join('\n')}\n`;
}
