/**
 * @module Steady HTTP load through one address, as a signed-in client keeps a dashboard open: a
 * few workers each send the next request as soon as the last one answered, over kept-alive
 * connections (Node's fetch pools them), to paths each role answers — the gateway's own (`/me`,
 * markets), and those a gateway forwards to strategy (`/strategies`, `/portfolios`) and platform
 * (`/notifications`, `/notification-rules`). Every answer other than 200, and every network error,
 * is a failure — with one exception browsers make too: a GET whose kept-alive connection closed
 * before any answer came is sent once more on a new connection (RFC 9112 §9.3.1: the server may
 * close an idle connection just as the client reuses it). Such retries are counted apart.
 */
import { signUpAndIn } from '@tickline/server/internal';

/** Paths of the gateway's own routes and of those it forwards to strategy and platform. */
export const PATHS = [
  '/api/v1/me',
  '/api/v1/markets',
  '/api/v1/strategies',
  '/api/v1/portfolios',
  '/api/v1/notifications',
  '/api/v1/notification-rules',
];
const WORKERS = 4;
const REQUEST_TIMEOUT_MS = 15_000;

/** A running load. */
export interface RequestLoad {
  readonly paths: readonly string[];
  /** Requests answered 200. */
  readonly ok: number;
  /** One line per failed request: path, status or error. */
  readonly failures: readonly string[];
  /** Requests sent again after their connection closed before any answer. */
  readonly retried: number;
  stop(): void;
}

/** Signs `email` up on `url`, checks every path answers once, then loops until stopped. */
export async function startRequestLoad(url: string, email: string): Promise<RequestLoad> {
  const { accessToken } = await signUpAndIn(url, email);
  const headers = { authorization: `Bearer ${accessToken}` };
  const failures: string[] = [];
  let ok = 0;
  let retried = 0;
  let stopped = false;
  const call = async (path: string, retry = true): Promise<string | undefined> => {
    let answered = false;
    try {
      const res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      answered = true;
      const body = await res.text();
      return res.status === 200 ? undefined : `${path}: ${res.status} ${body.slice(0, 200)}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      // undici's code for a socket closed before the response began.
      if (retry && !answered && cause?.code === 'UND_ERR_SOCKET') {
        retried++;
        return call(path, false);
      }
      return `${path}: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
    }
  };
  // A path this role set does not serve would fail every request: say so at once instead.
  for (const path of PATHS) {
    const failure = await call(path);
    if (failure) throw new Error(`the load's path does not answer 200 before the release: ${failure}`);
  }
  const worker = async (offset: number) => {
    for (let i = offset; !stopped; i++) {
      const failure = await call(PATHS[i % PATHS.length]!);
      if (stopped) return;
      if (failure) failures.push(`${new Date().toISOString().slice(11, 23)} ${failure}`);
      else ok++;
    }
  };
  for (let w = 0; w < WORKERS; w++) void worker(w);
  return {
    paths: PATHS,
    get ok() {
      return ok;
    },
    failures,
    get retried() {
      return retried;
    },
    stop() {
      stopped = true;
    },
  };
}
