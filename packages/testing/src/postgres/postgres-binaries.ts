/** @module Locating Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres). */
import { accessSync, constants, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary, type BinaryLookup } from '../binary.ts';

/** Debian keeps each major version's server binaries here, off PATH. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
const SERVER_BINARIES = ['initdb', 'pg_ctl', 'postgres'] as const;

function hasServerBinaries(dir: string): boolean {
  try {
    for (const name of SERVER_BINARIES) accessSync(join(dir, name), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function debianBinDirs(): string[] {
  try {
    return readdirSync(DEBIAN_POSTGRES_ROOT)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => join(DEBIAN_POSTGRES_ROOT, v, 'bin'));
  } catch {
    return [];
  }
}

/**
 * Finds the directory holding `initdb`, `pg_ctl` and `postgres`: the newest Debian major version
 * first, then PATH. Like {@link requireBinary}: `{ available: false, reason }` locally, and a
 * throw under `CI=true`. `path` is the bin directory.
 */
export function requirePostgresBinaries(): BinaryLookup {
  const dir = debianBinDirs().find(hasServerBinaries);
  if (dir) return { available: true, path: dir };
  const initdb = requireBinary('initdb', 'postgresql');
  if (!initdb.available) return initdb;
  const pathDir = initdb.path!.slice(0, initdb.path!.lastIndexOf('/'));
  if (hasServerBinaries(pathDir)) return { available: true, path: pathDir };
  const reason = `pg_ctl or postgres missing beside ${initdb.path} (install it: apt-get install postgresql)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run the real-server tests`);
  return { available: false, reason };
}
