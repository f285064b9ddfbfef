/**
 * @module Renders docs/errors.md from the error catalogues, so the document cannot drift from code:
 * those of the packages the server builds on (kernel, eventlog, store), the server's own, the
 * command line's (@tickline/cli), and the
 * `errors` each domain module in {@link DOMAINS} declares.
 */
import { EventLogErrorCodes } from '@tickline/eventlog';
import { BackupErrorCodes, CliErrorCodes } from '@tickline/cli';
import { KernelErrorCodes, type ErrorCatalogue } from '@tickline/kernel';
import { StoreErrorCodes } from '@tickline/store';
import { DOMAINS } from '../domains.ts';
import { ServerErrorCodes } from '../errors.ts';

/** Every catalogue the documentation covers. */
export async function loadErrorCatalogues(): Promise<readonly ErrorCatalogue[]> {
  const modules = await Promise.all(DOMAINS.map((domain) => domain.load()));
  return [
    KernelErrorCodes,
    EventLogErrorCodes,
    StoreErrorCodes,
    ServerErrorCodes,
    CliErrorCodes,
    BackupErrorCodes,
    ...modules.flatMap((module) => module.errors ?? []),
  ];
}

/** The markdown for docs/errors.md. */
export async function renderErrorsDoc(): Promise<string> {
  const seen = new Set<string>();
  const rows = (await loadErrorCatalogues())
    .flatMap((catalogue) => Object.entries(catalogue).map(([code, d]) => ({ code, ...d })))
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
