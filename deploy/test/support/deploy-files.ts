/**
 * @module Paths and helpers the deployment validation tests share: where the repository and the
 * deploy files are, YAML reading, running a tool and looking one up (missing under CI = failure).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary, type BinaryLookup } from '@tickline/testing';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEPLOY = join(ROOT, 'deploy');

/** Reads a repository file as text. */
export function readRepoFile(path: string): Promise<string> {
  return readFile(join(ROOT, path), 'utf8');
}

/** One YAML document, merge keys (`<<: *anchor`) resolved as compose and kubectl resolve them. */
export async function readYaml<T = Record<string, unknown>>(path: string): Promise<T> {
  return parse(await readRepoFile(path), { merge: true }) as T;
}

/** Every document of a multi-document YAML text. */
export function parseYamlDocuments(text: string): Array<Record<string, unknown>> {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Record<string, unknown> | null)
    .filter((doc): doc is Record<string, unknown> => doc !== null);
}

/** A finished tool run. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` to completion (never throws on a non-zero exit). */
export function runTool(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

/**
 * promtool comes with Debian's `prometheus` package; kubectl with the machine image (Google's
 * cloud SDK repository, not Debian). Outside CI a missing tool skips with the reason; under
 * CI=true `requireBinary` throws, so the suite fails.
 */
export function requireTool(name: 'promtool' | 'kubectl'): BinaryLookup {
  return name === 'promtool'
    ? requireBinary('promtool', 'prometheus')
    : requireBinary('kubectl', 'kubectl (the google-cloud-cli apt repository; on the machine image at /usr/bin/kubectl)');
}
