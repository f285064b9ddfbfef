/**
 * @module The archive on disk: a gzip'd POSIX tar written and read by the system `tar`, so an
 * operator can list or unpack it by hand (`tar -tzf backup.tar.gz`). manifest.json goes first,
 * so a restore reads it without unpacking the rest. Also: the files of a directory tree with
 * their sizes and SHA-256, for the manifest and for verifying what was unpacked.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { findTool, runTool } from './external-tool.ts';
import { BackupError } from './backup-errors.ts';
import { MANIFEST_FILE, type ManifestFile } from './manifest.ts';

/** Lock files are the owner's, never part of a backup. */
export const SKIPPED_FILES = new Set(['tickline.lock', 'LOCK', 'postmaster.pid']);

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `root/dir` (paths relative to `root`, `/`-separated), hashed. */
export async function hashTree(root: string, dir: string): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || SKIPPED_FILES.has(entry.name)) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full).split(sep).join('/');
    files.push({ path, bytes: (await stat(full)).size, sha256: await sha256(full) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Files in `root` whose size or checksum differs from `expected`, and files not listed at all. */
export async function verifyTree(
  root: string,
  expected: readonly ManifestFile[],
  dirs: readonly string[],
): Promise<string[]> {
  const actual = new Map<string, ManifestFile>();
  for (const dir of dirs) for (const file of await hashTree(root, dir)) actual.set(file.path, file);
  const problems: string[] = [];
  for (const file of expected) {
    const found = actual.get(file.path);
    if (!found) problems.push(`${file.path}: missing`);
    else if (found.sha256 !== file.sha256 || found.bytes !== file.bytes)
      problems.push(`${file.path}: checksum differs`);
    actual.delete(file.path);
  }
  for (const path of actual.keys()) problems.push(`${path}: not in the manifest`);
  return problems;
}

/** One directory to put into the archive: `entries` (relative to `dir`) taken from `dir`. */
export interface ArchiveSource {
  dir: string;
  entries: readonly string[];
}

/** Writes `archive` from the sources in order (the first holds manifest.json). */
export async function writeArchive(
  archive: string,
  sources: readonly ArchiveSource[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const tar = findTool('tar', env);
  const args = ['-czf', archive, ...[...SKIPPED_FILES].map((name) => `--exclude=${name}`)];
  for (const source of sources) if (source.entries.length > 0) args.push('-C', source.dir, ...source.entries);
  await runTool(tar, args);
}

/** The text of manifest.json inside `archive`. @throws BackupError SERVER_BACKUP_ARCHIVE_INVALID */
export async function readArchiveManifest(
  archive: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const tar = findTool('tar', env);
  try {
    await stat(archive);
    return await runTool(tar, ['-xzOf', archive, MANIFEST_FILE]);
  } catch (error) {
    throw new BackupError(
      'SERVER_BACKUP_ARCHIVE_INVALID',
      `${archive} is not a readable Tickline backup (no ${MANIFEST_FILE} in a .tar.gz)`,
      { cause: error },
    );
  }
}

/** Unpacks `archive` into the (empty) directory `into`. */
export async function extractArchive(
  archive: string,
  into: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  await runTool(findTool('tar', env), ['-xzf', archive, '-C', into]);
}
