/**
 * @module Where an in-memory database starts from. Making a PGlite cluster runs initdb inside the
 * WebAssembly build: 3 s on a quiet machine and 9–13 s with both cores busy, once for every
 * in-memory database — and the test suite opens one in almost every SQL test file. Loading a tar
 * of a cluster made before takes a third of that. The first in-memory database on a machine writes
 * the tar into the temp dir, keyed by the PGlite build (its WebAssembly and data files), and every
 * later one loads it. Only in-memory databases (tests) use it: a database with files runs initdb
 * once, on its first start, and keeps its files.
 */
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The PGlite build's files whose change makes a new snapshot. */
const BUILD_FILES = ['@electric-sql/pglite/pglite.wasm', '@electric-sql/pglite/pglite.data'];

let key: string | undefined;

/** The PGlite build, by its files' sizes and times. */
function buildKey(): string {
  key ??= BUILD_FILES.map((name) => {
    const { size, mtimeMs } = statSync(fileURLToPath(import.meta.resolve(name)));
    return `${size.toString(36)}${Math.trunc(mtimeMs).toString(36)}`;
  }).join('-');
  return key;
}

/** The snapshot in `dir` to load, or where to save one when there is none yet (see the module comment). */
export function memorySnapshot(dir = tmpdir()): { load: string } | { save: string } {
  const path = join(dir, `tickline-pglite-initdb-${buildKey()}.tar`);
  return existsSync(path) ? { load: path } : { save: path };
}
