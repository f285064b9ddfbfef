/**
 * @module Durable consumer positions in one small JSON file, replaced atomically (temp file,
 * fdatasync, rename). Acknowledgements are coalesced: at most one write per `intervalMs`, so a
 * consumer acking 300k records/s costs a few writes a second. A crash can lose the last interval's
 * acknowledgements, and those records are delivered again: at-least-once.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, type Logger } from '@tickline/kernel';
import type { Offset } from '../port/event-log.ts';

export const CHECKPOINT_FILE = 'consumers.json';
const FORMAT_VERSION = 1;

interface CheckpointFile {
  version: number;
  consumers: Record<string, Offset>;
}

/** Reads the positions saved in `dir` (none when the file is missing). */
export async function readCheckpoints(dir: string): Promise<Map<string, Offset>> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const parsed = JSON.parse(text) as CheckpointFile;
  const positions = new Map<string, Offset>();
  for (const [name, offset] of Object.entries(parsed.consumers ?? {}))
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0)
      positions.set(name, offset);
  return positions;
}

export class CheckpointStore {
  readonly positions: Map<string, Offset>;
  readonly #dir: string;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #persist: boolean;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  /** `persist: false` (read-only logs) keeps positions in memory only. */
  constructor(
    dir: string,
    positions: Map<string, Offset>,
    intervalMs: number,
    logger: Logger,
    persist: boolean,
  ) {
    this.#dir = dir;
    this.positions = positions;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
    this.#persist = persist;
  }

  /** Removes a temp file a crash left mid-write. */
  static async cleanup(dir: string): Promise<void> {
    await rm(join(dir, `${CHECKPOINT_FILE}.tmp`), { force: true });
  }

  /** Records a position; written within `intervalMs`. */
  set(name: string, offset: Offset): void {
    this.positions.set(name, offset);
    if (!this.#persist) return;
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((error: unknown) => this.#logger.error({ err: error }, 'checkpoint write failed'));
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Records a position and waits until it is on disk (consumer creation, reset). */
  async setNow(name: string, offset: Offset): Promise<void> {
    this.positions.set(name, offset);
    this.#dirty = this.#persist;
    await this.flush();
  }

  /** Writes pending positions now; serialised with any write in flight. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#writing = this.#writing.then(
      () => this.#write(),
      () => this.#write(),
    );
    return this.#writing;
  }

  async #write(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const body: CheckpointFile = { version: FORMAT_VERSION, consumers: Object.fromEntries(this.positions) };
    const target = join(this.#dir, CHECKPOINT_FILE);
    const temp = `${target}.tmp`;
    try {
      const fh = await open(temp, 'w', PRIVATE_FILE_MODE);
      try {
        await fh.writeFile(JSON.stringify(body));
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await rename(temp, target);
    } catch (error) {
      this.#dirty = true; // try again on the next flush
      throw error;
    }
  }
}
