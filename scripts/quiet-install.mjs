// @ts-check
/**
 * @module Runs a long install step quietly: one progress line while it works, its output shown
 * only when it fails. `npm ci` on a fresh clone runs under the machine's Node (Debian's 20) while
 * it installs Node 24, and prints two screens of EBADENGINE warnings that mean nothing to a new
 * user; `--loglevel=error` drops them, and this keeps whatever is left out of the way unless it
 * matters.
 */
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';

/** How often the progress line is redrawn on a terminal. */
const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Runs `command args` with its output captured. Resolves `{ ok, status, output }`; on a
 * terminal a line `label… 12 s` counts up meanwhile, and `done` or `failed` ends it.
 * @param {string} label what is being done, e.g. `bootstrap: installing dependencies`
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, out?: NodeJS.WriteStream, progress?: boolean }} [options]
 *   `progress: false` prints only the start and end lines, as off a terminal: for steps that run at once.
 * @returns {Promise<{ ok: boolean, status: number | null, output: string }>}
 */
export async function runQuietly(label, command, args, options = {}) {
  const out = options.out ?? process.stdout;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const tty = out.isTTY === true && options.progress !== false;
  out.write(tty ? `${label}…` : `${label}…\n`);
  const timer = tty
    ? setInterval(() => out.write(`\r${label}… ${seconds()} s`), PROGRESS_INTERVAL_MS)
    : undefined;
  const chunks = /** @type {Buffer[]} */ ([]);
  const status = await new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => {
      chunks.push(Buffer.from(`${error.message}\n`));
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  clearInterval(timer);
  const ok = status === 0;
  const verdict = `${ok ? 'done' : 'failed'} in ${seconds()} s`;
  out.write(tty ? `\r${label}… ${verdict}\n` : `${label}: ${verdict}\n`);
  return { ok, status, output: Buffer.concat(chunks).toString('utf8') };
}

/** The arguments of a quiet, reproducible install. */
export const NPM_CI_ARGS = Object.freeze(['ci', '--no-audit', '--no-fund', '--loglevel=error']);
