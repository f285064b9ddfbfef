/**
 * @module The sandbox process's side of data-cache.ts: buffers kept between calls, filled and
 * freed exactly as each call's message says. A call reads only the content its message lists
 * (`uses`): the host decides which content a call may reach, so code run for one job never reaches
 * another job's content by naming its key.
 *
 * Buffers are SharedArrayBuffers so an isolate can read them in place: isolated-vm hands an
 * isolate the same memory instead of a copy. They are allocated by this process's Node (the
 * main thread's allocator) and only go into isolates, never come out of one.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { WireData } from './protocol.ts';

interface Held {
  buffer: SharedArrayBuffer;
  /** Bytes written from the start by any content so far (zeroed when shorter content follows). */
  filled: number;
}

const buffers = new Map<number, Held>();

/** Frees buffers; collects at once so resident memory falls before the next content arrives. */
function free(ids: readonly number[]): void {
  let freed = false;
  for (const id of ids) freed = buffers.delete(id) || freed;
  // The supervisor counts a freed buffer out of this process's allowance at once: without a
  // collection its memory would stay resident until V8 decided to collect.
  if (freed) (globalThis as { gc?: () => void }).gc?.();
}

/** Reads `length` bytes at `position` of `fd` into `view`. */
function readFully(fd: number, view: Uint8Array, position: number, path: string): void {
  for (let done = 0; done < view.byteLength;) {
    const n = readSync(fd, view, done, view.byteLength - done, position + done);
    if (n === 0) throw new Error(`data file ${path} ended early`);
    done += n;
  }
}

/**
 * Applies a call's data message (frees, then fills from its file) and returns the content the call
 * may read, by key. Throws on anything the host did not plan (a fault: this process then retires).
 */
export function applyData(data: WireData): ReadonlyMap<string, Uint8Array> {
  free(data.drop);
  if (data.put.length > 0) {
    const fd = openSync(data.file!, 'r');
    try {
      const size = fstatSync(fd).size;
      const needed = data.put.reduce((n, p) => Math.max(n, p.offset + p.byteLength), 0);
      if (size !== needed) throw new Error(`data file ${data.file} holds ${size} bytes, not ${needed}`);
      for (const p of data.put) {
        let held = buffers.get(p.buffer);
        if (p.size !== undefined) {
          if (held !== undefined) throw new Error(`data buffer ${p.buffer} exists already`);
          held = { buffer: new SharedArrayBuffer(p.size), filled: 0 };
          buffers.set(p.buffer, held);
        }
        if (held === undefined) throw new Error(`no data buffer ${p.buffer}`);
        if (p.byteLength > held.buffer.byteLength)
          throw new Error(`data buffer ${p.buffer} is smaller than ${p.byteLength} bytes`);
        const whole = new Uint8Array(held.buffer);
        readFully(fd, whole.subarray(0, p.byteLength), p.offset, data.file!);
        // What an earlier, longer content left past this one is cleared: nothing of it stays readable.
        if (held.filled > p.byteLength) whole.fill(0, p.byteLength, held.filled);
        held.filled = p.byteLength;
      }
    } finally {
      closeSync(fd);
    }
  }
  const uses = new Map<string, Uint8Array>();
  for (const u of data.uses) {
    const held = buffers.get(u.buffer);
    if (held === undefined || u.byteLength > held.filled)
      throw new Error(`data buffer ${u.buffer} does not hold ${u.byteLength} bytes`);
    uses.set(u.key, new Uint8Array(held.buffer, 0, u.byteLength));
  }
  return uses;
}

/** After the call: frees the buffers whose content did not fit the bound. */
export function settleData(data: WireData): void {
  free(data.after);
}
