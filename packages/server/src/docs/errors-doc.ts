/** @module Renders docs/errors.md from the error catalogue, so the document cannot drift from code. */
import { listErrorCodes } from '@tickline/kernel';
// Imported for their side effect: each package declares its codes when its module loads.
import '@tickline/eventlog';
import '@tickline/store';
import '@tickline/identity';
import '@tickline/realtime';
import '@tickline/market';
import '@tickline/game';
import '@tickline/platform';
import '@tickline/strategy';
import '@tickline/notify';
import '../errors.ts';
import '../cli/backup/backup-errors.ts';

/** The markdown for docs/errors.md. */
export function renderErrorsDoc(): string {
  const seen = new Set<string>();
  const rows = listErrorCodes()
    .filter((e) => !seen.has(e.code) && seen.add(e.code))
    .sort((a, b) => (a.code < b.code ? -1 : 1));
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  return [
    '# Error codes',
    '',
    'Every error Tickline reports carries a stable code. Branch on the code, never on the message.',
    'Over HTTP an error has the shape `{ "error": { "code", "message", "details" } }` and the status',
    'below. This file is generated from the code (`npm run docs:errors`); a test fails when they differ.',
    '',
    '| code | HTTP | meaning | how to resolve |',
    '| --- | --- | --- | --- |',
    ...rows.map((e) => `| \`${e.code}\` | ${e.httpStatus} | ${escape(e.meaning)} | ${escape(e.resolve)} |`),
    '',
  ].join('\n');
}
