/**
 * @module Hot snapshots in files: the embedded mode's hot store when a crash of the process must
 * not lose them (the memory store dies with it). One file per snapshot under
 * `{dir}/{zone}/{takenAt}-{id}.snapshot` — a length-prefixed JSON header (the metadata) then the
 * MessagePack state — written to a temp file and renamed, so a reader never sees half a snapshot.
 * No fsync: a snapshot survives a killed process, not a power cut (the cold store and the log do).
 */
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isUuid, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '@tickline/kernel';
import { SnapshotCorruptError } from './snapshot-errors.ts';
import { DEFAULT_LIST_LIMIT, type SnapshotStore } from './snapshot-store.ts';
import { infoOf, type SnapshotInfo, type StoredSnapshot } from './stored-snapshot.ts';

export const DEFAULT_FILE_SNAPSHOTS_PER_ZONE = 10;
const SUFFIX = '.snapshot';
const HEADER_LENGTH_BYTES = 4;
/** Wide enough for any millisecond timestamp, so names sort by time. */
const TIME_DIGITS = 15;

/** Options for {@link createFileSnapshotStore}. */
export interface FileSnapshotStoreOptions {
  /** Directory of the store (created if missing). */
  dir: string;
  /** Newest snapshots kept per zone. @default 10 */
  maxPerZone?: number;
}

const fileName = (s: SnapshotInfo) => `${String(s.takenAt).padStart(TIME_DIGITS, '0')}-${s.id}${SUFFIX}`;
const idOf = (name: string) => name.slice(TIME_DIGITS + 1, -SUFFIX.length);

/** Creates a file-backed snapshot store. */
export function createFileSnapshotStore(options: FileSnapshotStoreOptions): SnapshotStore {
  const keep = options.maxPerZone ?? DEFAULT_FILE_SNAPSHOTS_PER_ZONE;
  const folderOf = (zoneId: string) => encodeURIComponent(zoneId);
  const zoneDir = (zoneId: string) => join(options.dir, folderOf(zoneId));

  /** The zone's snapshot file names, newest first. */
  async function names(zoneId: string): Promise<string[]> {
    const all = await readdir(zoneDir(zoneId)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return all.filter((n) => n.endsWith(SUFFIX)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  }

  async function read(path: string): Promise<StoredSnapshot | undefined> {
    let buf: Buffer;
    try {
      buf = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // trimmed meanwhile
      throw error;
    }
    const headerLength = buf.length >= HEADER_LENGTH_BYTES ? buf.readUInt32BE(0) : -1;
    if (headerLength < 0 || HEADER_LENGTH_BYTES + headerLength > buf.length)
      throw new SnapshotCorruptError(`snapshot file ${path} is truncated`);
    const start = HEADER_LENGTH_BYTES + headerLength;
    const info = JSON.parse(buf.subarray(HEADER_LENGTH_BYTES, start).toString()) as SnapshotInfo;
    return { ...info, bytes: new Uint8Array(buf.buffer, buf.byteOffset + start, buf.length - start) };
  }

  /**
   * The file of snapshot `id`: in the folder of `zoneId` when known (a put: a snapshot never
   * changes zone, and with a room per folder a search of them all on every put grew with the
   * square of the rooms), else in any folder.
   */
  async function find(id: string, zoneId?: string): Promise<string | undefined> {
    if (!isUuid(id)) return undefined;
    const zones =
      zoneId === undefined
        ? await readdir(options.dir).catch(() => [] as string[])
        : [folderOf(zoneId)];
    for (const zone of zones) {
      const match = (await readdir(join(options.dir, zone)).catch(() => [] as string[])).find(
        (n) => n.endsWith(SUFFIX) && idOf(n) === id,
      );
      if (match) return join(options.dir, zone, match);
    }
    return undefined;
  }

  return {
    name: 'file',
    async put(snapshot) {
      const dir = zoneDir(snapshot.zoneId);
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const previous = await find(snapshot.id, snapshot.zoneId);
      const header = Buffer.from(JSON.stringify(infoOf(snapshot)));
      const length = Buffer.alloc(HEADER_LENGTH_BYTES);
      length.writeUInt32BE(header.length);
      const target = join(dir, fileName(snapshot));
      const temp = `${target}.tmp`;
      // The owner's only, as every data file (a zone's state names its players); chmod too, for a
      // temp file a crash left behind with another mode.
      const file = await open(temp, 'w', PRIVATE_FILE_MODE);
      try {
        await file.chmod(PRIVATE_FILE_MODE);
        await file.writev([length, header, snapshot.bytes]);
      } finally {
        await file.close();
      }
      await rename(temp, target);
      if (previous && previous !== target) await rm(previous, { force: true });
      for (const old of (await names(snapshot.zoneId)).slice(keep))
        await unlink(join(dir, old)).catch(() => {});
    },
    async latest(zoneId) {
      for (const name of await names(zoneId)) {
        const found = await read(join(zoneDir(zoneId), name));
        if (found) return found;
      }
      return undefined;
    },
    async list(zoneId, listOptions = {}) {
      const limit = listOptions.limit ?? DEFAULT_LIST_LIMIT;
      const out: SnapshotInfo[] = [];
      for (const name of (await names(zoneId)).slice(0, limit)) {
        const found = await read(join(zoneDir(zoneId), name));
        if (found) out.push(infoOf(found));
      }
      return out;
    },
    async get(id) {
      const path = await find(id);
      return path === undefined ? undefined : read(path);
    },
    async forget(zoneId) {
      await rm(zoneDir(zoneId), { recursive: true, force: true });
    },
    close: () => Promise.resolve(),
  };
}
