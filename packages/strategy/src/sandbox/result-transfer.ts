/**
 * @module How a run's result comes back from a sandbox process, and its size bound. The trades stay
 * columns all the way (packed-trades.ts) and are rebuilt as objects only on the server. The result
 * without its equity curve must fit the tier's `maxResultBytes` (STRATEGY_RESULT_TOO_LARGE): it is
 * what the server stores and serves. A small result answers inline over IPC; a large one (a full
 * equity curve, for research) goes by a tmpfs file: the rest serialized, then the two equity
 * columns as raw Float64 bytes, which the server reads off its event loop into one buffer and views
 * in place. The server checks the file against what it asked for before reading it.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { TicklineError } from '@tickline/kernel';
import { transferDirectory } from '@tickline/sandbox';
import type { EngineRunResult } from '../core/engine.ts';
import { unpackTrades } from './packed-trades.ts';
import type { PackedRunResult } from './sandbox.ts';

/** Result bytes (the equity curve aside) when the tier names none. */
export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;

/**
 * Results smaller than this answer inline. A larger one goes by file: Node's IPC parses a message
 * on the server's event loop (a 1 MB result of 11k packed trades cost the server 18–30 ms of CPU
 * over the pipe, 14–17 ms by file read on the loop, and this reads it in the thread pool).
 */
const INLINE_RESULT_BYTES = 64 * 1024;

export type ResultRef =
  { inline: PackedRunResult } | { file: string; restBytes: number; equityLength: number };

/** Where the equity columns start in a result file: the serialized rest, padded to 8 bytes. */
const equityOffset = (restBytes: number): number => Math.ceil(restBytes / 8) * 8;

const bytesOf = (column: Float64Array): Uint8Array =>
  new Uint8Array(column.buffer, column.byteOffset, column.byteLength);

/** In the sandbox process: the answer for `result`, or STRATEGY_RESULT_TOO_LARGE. */
export async function sendResult(
  result: PackedRunResult,
  maxResultBytes = DEFAULT_MAX_RESULT_BYTES,
): Promise<ResultRef> {
  const { equity, ...rest } = result;
  const bytes = serialize(rest);
  if (bytes.byteLength > maxResultBytes) {
    throw new TicklineError(
      'STRATEGY_RESULT_TOO_LARGE',
      `the result takes ${bytes.byteLength} bytes; the tier allows ${maxResultBytes}`,
      { details: { bytes: bytes.byteLength, maxBytes: maxResultBytes, trades: rest.trades.count } },
    );
  }
  if (bytes.byteLength + equity.time.byteLength + equity.value.byteLength < INLINE_RESULT_BYTES)
    return { inline: result };
  const file = join(await transferDirectory(), `tickline-result-${randomUUID()}`);
  const fd = openSync(file, 'wx', 0o600);
  try {
    const offset = equityOffset(bytes.byteLength);
    const parts: Array<[Uint8Array, number]> = [
      [bytes, 0],
      [bytesOf(equity.time), offset],
      [bytesOf(equity.value), offset + equity.time.byteLength],
    ];
    for (const [part, at] of parts)
      for (let done = 0; done < part.byteLength;)
        done += writeSync(fd, part, done, part.byteLength - done, at + done);
  } finally {
    closeSync(fd);
  }
  return { file, restBytes: bytes.byteLength, equityLength: equity.time.length };
}

/** What the server asked for: a result beyond it is refused unread. */
export interface ResultBounds {
  maxResultBytes: number;
  /** Steps of the run at most (the bars sent). */
  maxEquityPoints: number;
}

/** On the server: the result of a call, its trades rebuilt and its file removed. */
export async function receiveResult(ref: ResultRef, bounds: ResultBounds): Promise<EngineRunResult> {
  if ('inline' in ref) return { ...ref.inline, trades: unpackTrades(ref.inline.trades) };
  try {
    const handle = await open(ref.file, 'r');
    try {
      const { size } = await handle.stat();
      const offset = equityOffset(ref.restBytes);
      const expected = offset + 2 * Float64Array.BYTES_PER_ELEMENT * ref.equityLength;
      // The process runs hostile code: its file is held to what was asked before it is read.
      if (
        ref.restBytes > bounds.maxResultBytes ||
        ref.equityLength > bounds.maxEquityPoints ||
        size !== expected
      )
        throw new Error(`result file ${ref.file} (${size} bytes) does not match the result asked for`);
      const buffer = Buffer.allocUnsafeSlow(size);
      for (let done = 0; done < size;) {
        const { bytesRead } = await handle.read(buffer, done, size - done, done);
        if (bytesRead === 0) throw new Error(`result file ${ref.file} ended early`);
        done += bytesRead;
      }
      const rest = deserialize(buffer.subarray(0, ref.restBytes)) as Omit<PackedRunResult, 'equity'>;
      const at = buffer.byteOffset + offset;
      const time = new Float64Array(buffer.buffer, at, ref.equityLength);
      const value = new Float64Array(buffer.buffer, at + time.byteLength, ref.equityLength);
      return { ...rest, equity: { time, value }, trades: unpackTrades(rest.trades) };
    } finally {
      await handle.close();
    }
  } finally {
    await rm(ref.file, { force: true });
  }
}
