/**
 * @module The credential `tickline login` keeps: a server URL and a token or API key in
 * `credentials.json` under the user's config directory (`$XDG_CONFIG_HOME/tickline`, else
 * `~/.config/tickline`), readable by its owner only (0600). `--url`/`--token` and
 * `TICKLINE_URL`/`TICKLINE_TOKEN` still win over it.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from '../cli-errors.ts';
import type { CliIo } from '../io.ts';

/** What the file holds. */
export const StoredCredentials = z.object({
  url: z.string().min(1),
  token: z.string().min(1),
  savedAt: z.string().optional(),
});
export type StoredCredentials = z.infer<typeof StoredCredentials>;

/** The file's path for this user (the environment's XDG_CONFIG_HOME, else HOME's `.config`). */
export function credentialsPath(io: CliIo): string {
  const base = io.env.XDG_CONFIG_HOME || join(io.env.HOME || homedir(), '.config');
  return join(base, 'tickline', 'credentials.json');
}

/** The stored credential, or undefined when there is none. A file that does not parse is an error. */
export function readCredentials(io: CliIo): StoredCredentials | undefined {
  const path = credentialsPath(io);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = StoredCredentials.safeParse(JSON.parse(text.trim() === '' ? '{}' : text));
  if (!parsed.success)
    throw new CliError(
      'SERVER_INVALID_ARGUMENT',
      `${path} is not a tickline credential: run tickline login again`,
    );
  return parsed.data;
}

/** Writes the credential, creating the directory (0700) and the file (0600). */
export function writeCredentials(io: CliIo, credentials: StoredCredentials): string {
  const path = credentialsPath(io);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created: an older file keeps its bits otherwise.
  chmodSync(path, 0o600);
  return path;
}

/** Removes the stored credential; true when there was one. */
export function removeCredentials(io: CliIo): boolean {
  const path = credentialsPath(io);
  const had = readFileSafe(path);
  rmSync(path, { force: true });
  return had;
}

function readFileSafe(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
