#!/usr/bin/env node
// @ts-check
/**
 * @module `npm run check`: the type check and the linter at once, before the tests. Each is one
 * thread (tsc, ESLint), so side by side they take the longer one's time on a two-core machine,
 * not the sum: about 40 s of every `npm test` on a quiet machine and over a minute on a busy one.
 * Each prints one line when it ends; a failure's own output follows, whole, so a type error and a
 * lint error are both reported by one run.
 */
import process from 'node:process';
import { runQuietly } from './quiet-install.mjs';

const CHECKS = [
  { label: 'check: types (npm run typecheck)', script: 'typecheck' },
  { label: 'check: lint (npm run lint)', script: 'lint' },
];

const results = await Promise.all(
  CHECKS.map(({ label, script }) =>
    runQuietly(label, 'npm', ['run', '--silent', script], { progress: false }),
  ),
);
for (const [i, result] of results.entries())
  if (!result.ok) process.stderr.write(`\n${CHECKS[i]?.label} failed:\n${result.output}\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
