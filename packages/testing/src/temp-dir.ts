/** @module Temporary directories that tests create and remove. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory and the way to remove it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** Creates a fresh directory under the OS temp dir whose name starts with `prefix`. */
export async function tempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `${prefix.replace(/[^\w.-]/g, '_')}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
