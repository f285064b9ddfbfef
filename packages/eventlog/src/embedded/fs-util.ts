/** @module Small file-system helpers the embedded log needs for crash safety. */
import { open, type FileHandle } from 'node:fs/promises';

/** fsyncs a directory so a file created or renamed in it survives power loss. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes all of `buffers` at `position` with as few `writev` calls as the kernel allows. */
export async function writevAll(fh: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let total = 0;
  for (const buf of buffers) total += buf.length;
  let written = 0;
  while (written < total) {
    const { bytesWritten } = await fh.writev(buffers, position + written);
    written += bytesWritten;
    if (written < total) dropWritten(buffers, bytesWritten);
  }
}

/** Drops `count` written bytes from the front of `buffers` (after a short writev). */
function dropWritten(buffers: Buffer[], count: number): void {
  let left = count;
  while (left > 0 && buffers.length > 0) {
    const head = buffers[0]!;
    if (head.length <= left) {
      left -= head.length;
      buffers.shift();
    } else {
      buffers[0] = head.subarray(left);
      left = 0;
    }
  }
}
