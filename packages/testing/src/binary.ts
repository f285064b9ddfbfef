/** @module Locating the real server binaries (Debian packages) that integration tests start. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where a binary was found, or why it was not. */
export interface BinaryLookup {
  available: boolean;
  path?: string;
  reason?: string;
}

/** Debian installs daemons under sbin, which is not on every user's PATH. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/local/bin', '/usr/bin'];

/**
 * Finds `name` on PATH or in the sbin directories. Outside CI a missing binary gives
 * `{ available: false, reason }` so a test can skip with the reason; with `CI=true` it throws,
 * because CI must fail rather than silently skip the real-server tests.
 */
export function requireBinary(name: string, aptPackage: string): BinaryLookup {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return { available: true, path: candidate };
    } catch {
      // not here; keep looking
    }
  }
  const reason = `${name} not found (install it: apt-get install ${aptPackage})`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run the real-server tests`);
  return { available: false, reason };
}
