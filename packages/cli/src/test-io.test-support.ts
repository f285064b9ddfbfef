/** @module A CliIo that records what a command writes, for tests. */
import type { CliIo } from './io.ts';
import { runCli, type CliOutcome, type RegisterCommand } from './program.ts';

/** The result of one recorded run. */
export interface RecordedRun {
  outcome: CliOutcome;
  stdout: string;
  stderr: string;
}

/** Runs `tickline ...args` in-process with `env` and records its output: this package's commands, or `commands`. */
export async function runRecorded(
  args: readonly string[],
  env: Record<string, string> = {},
  interrupted?: AbortSignal,
  commands?: readonly RegisterCommand[],
  /** What the composer adds to the IO it runs with (the config's port). */
  wrap: (io: CliIo) => CliIo = (io) => io,
): Promise<RecordedRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    env,
    ...(interrupted ? { interrupted } : {}),
  };
  const outcome = await runCli(['node', 'tickline', ...args], wrap(io), commands);
  return { outcome, stdout, stderr };
}

/** A CliIo with a token in its environment that keeps what a command writes to stdout. */
export function recordingIo(): { io: CliIo; text: () => string } {
  const out: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: () => {}, env: { TICKLINE_TOKEN: 't' } };
  return { io, text: () => out.join('') };
}

/** A `fetch` that answers every request with `body` as JSON, recording each URL and each `METHOD URL`. */
export function jsonServer(
  body: unknown,
  status = 200,
): { urls: string[]; requests: string[]; fetchFn: typeof fetch } {
  const urls: string[] = [];
  const requests: string[] = [];
  const fetchFn = (async (url: string, init?: RequestInit) => {
    urls.push(url);
    requests.push(`${init?.method ?? 'GET'} ${url}`);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { urls, requests, fetchFn };
}
