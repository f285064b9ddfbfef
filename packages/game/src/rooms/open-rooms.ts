/**
 * @module The rooms open on a game process that has no rooms directory (the embedded default, no
 * Redis), in one small file of its data dir, so that the process started next knows which rooms
 * to bring back and under which private code (a room's snapshot and journal hold neither its code
 * nor whether it was disposed of). Kept current as rooms come and go; written to a temp file and
 * renamed, so a killed process leaves the old list or the new one, never half of one. Writes are
 * coalesced: a burst of rooms costs one write. No fsync, as the file snapshots beside it: the
 * list survives a killed process, not a power cut.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, silentLogger, type Logger } from '@tickline/kernel';

/** The file under the data dir (beside `game-snapshots/`, the rooms' hot snapshots). */
export const OPEN_ROOMS_FILE = 'game-rooms.json';
/** The file's layout version: a file of another one is ignored (with a warning), never misread. */
const OPEN_ROOMS_FORMAT = 1;

/** A room open here: enough to bring it back (its state comes from the stores and the log). */
export interface OpenRoom {
  roomId: string;
  game: string;
  /** A private room's join code. */
  code?: string | undefined;
}

export interface OpenRoomsFile {
  /** The rooms the file lists (none when it is missing or unreadable: logged). */
  read(): Promise<OpenRoom[]>;
  /** Lists a room (replacing an entry with its id); written soon, see {@link flush}. */
  set(room: OpenRoom): void;
  /** Takes a room off the list. */
  delete(roomId: string): void;
  /** Resolves once the list as it is now is on disk. Never rejects (a failed write is logged). */
  flush(): Promise<void>;
}

/** The list of open rooms in `file` (created with its folder on the first write). */
export function openRoomsFile(file: string, logger: Logger = silentLogger): OpenRoomsFile {
  const rooms = new Map<string, OpenRoom>();
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;

  async function write(): Promise<void> {
    dirty = false;
    const text = JSON.stringify({ format: OPEN_ROOMS_FORMAT, rooms: [...rooms.values()] });
    const temp = `${file}.tmp`;
    await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    // The owner's only: private rooms' codes are in it.
    const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
    try {
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }

  function schedule(): void {
    if (dirty) return; // a write already queued will carry this change
    dirty = true;
    writing = writing
      .then(write)
      .catch((error: unknown) => logger.warn({ err: error, file }, 'the list of open rooms could not be written'));
  }

  return {
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        logger.warn({ err: error, file }, 'the list of open rooms is unreadable: no room is brought back');
        return [];
      }
      try {
        const parsed = JSON.parse(text) as { format?: unknown; rooms?: unknown };
        if (parsed.format !== OPEN_ROOMS_FORMAT || !Array.isArray(parsed.rooms))
          throw new Error(`unknown format ${String(parsed.format)}`);
        const found = (parsed.rooms as Array<Partial<OpenRoom>>).filter(
          (r): r is OpenRoom =>
            typeof r?.roomId === 'string' &&
            typeof r.game === 'string' &&
            (r.code === undefined || typeof r.code === 'string'),
        );
        for (const room of found) rooms.set(room.roomId, room);
        return found;
      } catch (error) {
        logger.warn({ err: error, file }, 'the list of open rooms is not valid: no room is brought back');
        return [];
      }
    },
    set(room) {
      rooms.set(room.roomId, room);
      schedule();
    },
    delete(roomId) {
      if (rooms.delete(roomId)) schedule();
    },
    flush: () => writing,
  };
}
