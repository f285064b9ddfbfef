/**
 * @module `tickline strategies` over the API: list, show, versions, create from a file or one of the
 * templates the dashboard offers, and save a new version from a file.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import { apiClient } from '../api/api-client.ts';
import { print, type ApiCommandOptions } from '../api/api-command.ts';
import { badArgument as bad } from '../cli-errors.ts';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';

interface Strategy {
  id: string;
  name: string;
  description?: string | null;
  latestVersion?: number | null;
  createdAt: string;
  updatedAt: string;
}
interface Version {
  strategyId: string;
  version: number;
  language: string;
  params: unknown;
  sizeBytes: number;
  createdAt: string;
}

const path = (id: string) => `/strategies/${encodeURIComponent(id)}`;

export function formatStrategies(list: readonly Strategy[]): string {
  if (list.length === 0)
    return 'no strategies: create one with tickline strategies create --template trend-sma-cross\n';
  const rows = list.map((s) => [s.id, s.name, String(s.latestVersion ?? '—'), s.updatedAt]);
  return `${alignColumns(['id', 'name', 'latest version', 'updated'], rows).join('\n')}\n`;
}

export function formatVersions(list: readonly Version[]): string {
  if (list.length === 0) return 'no versions\n';
  const rows = list.map((v) => [
    String(v.version),
    v.language,
    `${v.sizeBytes} B`,
    v.createdAt,
    paramNames(v.params),
  ]);
  return `${alignColumns(['version', 'language', 'size', 'created', 'params'], rows).join('\n')}\n`;
}

const paramNames = (params: unknown): string =>
  params !== null && typeof params === 'object' ? Object.keys(params).join(', ') : '';

export async function strategiesList(io: CliIo, o: ApiCommandOptions, fetchFn?: typeof fetch) {
  const { strategies } = await apiClient(io, o, fetchFn)<{ strategies: Strategy[] }>('GET', '/strategies');
  print(io, o, strategies, () => formatStrategies(strategies));
}

export async function strategiesShow(io: CliIo, id: string, o: ApiCommandOptions, fetchFn?: typeof fetch) {
  const call = apiClient(io, o, fetchFn);
  const [{ strategy }, { versions }] = await Promise.all([
    call<{ strategy: Strategy }>('GET', path(id)),
    call<{ versions: Version[] }>('GET', `${path(id)}/versions`),
  ]);
  print(
    io,
    o,
    { strategy, versions },
    () =>
      `${strategy.name} (${strategy.id})${strategy.description ? `: ${strategy.description}` : ''}\n\n${formatVersions(versions)}`,
  );
}

export async function strategiesVersions(
  io: CliIo,
  id: string,
  o: ApiCommandOptions,
  fetchFn?: typeof fetch,
) {
  const { versions } = await apiClient(
    io,
    o,
    fetchFn,
  )<{ versions: Version[] }>('GET', `${path(id)}/versions`);
  print(io, o, versions, () => formatVersions(versions));
}

/** The source and language of `--file`, or of `--template`. */
async function sourceOf(o: {
  file?: string;
  template?: string;
}): Promise<{ source: string; language: string; name: string }> {
  if ((o.file === undefined) === (o.template === undefined)) throw bad('give one of --file or --template');
  if (o.template !== undefined) {
    const t = STRATEGY_TEMPLATES.find((x) => x.id === o.template);
    if (t === undefined)
      throw bad(`--template: one of ${STRATEGY_TEMPLATES.map((x) => x.id).join(', ')}, got ${o.template}`);
    return { source: t.source, language: 'typescript', name: t.name };
  }
  const file = o.file!;
  const source = await readFile(file, 'utf8').catch((cause: unknown) => {
    throw bad(`cannot read ${file}: ${(cause as Error).message}`);
  });
  const language = extname(file) === '.js' || extname(file) === '.mjs' ? 'javascript' : 'typescript';
  return { source, language, name: basename(file, extname(file)) };
}

export async function strategiesCreate(
  io: CliIo,
  o: ApiCommandOptions & { file?: string; template?: string; name?: string; description?: string },
  fetchFn?: typeof fetch,
): Promise<void> {
  const { source, language, name } = await sourceOf(o);
  const body = {
    name: o.name ?? name,
    source,
    language,
    ...(o.description ? { description: o.description } : {}),
  };
  const created = await apiClient(io, o, fetchFn)<{ strategy: Strategy; version: Version }>(
    'POST',
    '/strategies',
    body,
  );
  print(
    io,
    o,
    created,
    () =>
      `created strategy ${created.strategy.id} "${created.strategy.name}" version ${created.version.version}\n`,
  );
}

export async function strategiesSave(
  io: CliIo,
  id: string,
  o: ApiCommandOptions & { file?: string; template?: string },
  fetchFn?: typeof fetch,
): Promise<void> {
  const { source, language } = await sourceOf(o);
  const saved = await apiClient(io, o, fetchFn)<{ version: Version }>('POST', `${path(id)}/versions`, {
    source,
    language,
  });
  print(io, o, saved, () => `saved strategy ${id} version ${saved.version.version}\n`);
}

export function formatTemplates(): string {
  return `${alignColumns(
    ['template', 'name', 'what it does'],
    STRATEGY_TEMPLATES.map((t) => [t.id, t.name, t.description]),
  ).join('\n')}\n`;
}
