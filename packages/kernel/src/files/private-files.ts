/**
 * @module Small private files under `${dataDir}/secrets/` (a 0700 directory, files 0600): the
 * generated auth secret and the first-run admin's password. Written with `wx`, so two openers
 * never both create one.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-modes.ts';

/** `${dataDir}/secrets/${name}`. */
export function secretsPath(dataDir: string, name: string): string {
  return resolve(dataDir, 'secrets', name);
}

/** Creates `file` with `text`, mode 0600 (its folder 0700). @throws EEXIST when it exists. */
export async function createPrivateFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  await writeFile(file, text, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  // The umask may have narrowed the mode further, never widened it; chmod makes it exact.
  await chmod(file, PRIVATE_FILE_MODE);
}

/** What {@link readOrCreatePrivateFile} found. */
export interface PrivateFile {
  file: string;
  value: string;
  /** True when this call created the file. */
  created: boolean;
}

/**
 * Reads `file` (trimmed), creating it with `create()` when absent. A file found readable by
 * others is narrowed to 0600.
 */
export async function readOrCreatePrivateFile(file: string, create: () => string): Promise<PrivateFile> {
  try {
    const value = (await readFile(file, 'utf8')).trim();
    await chmod(file, PRIVATE_FILE_MODE);
    return { file, value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = create();
  try {
    await createPrivateFile(file, `${value}\n`);
  } catch (error) {
    // Another opener created it between our read and write: theirs wins.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreatePrivateFile(file, create);
    throw error;
  }
  return { file, value, created: true };
}
