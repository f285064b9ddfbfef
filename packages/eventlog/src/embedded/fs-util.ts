/** @module Small file-system helpers the embedded log needs for crash safety. */
import { open } from 'node:fs/promises';

/** fsyncs a directory so a file created or renamed in it survives power loss. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
