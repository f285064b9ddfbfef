/** @module What of a sandbox child's error reaches the caller. */
import type { WireError } from './protocol.ts';

const MAX_MESSAGE_CHARS = 2_048;
const MAX_DETAILS_BYTES = 4_096;

/**
 * The child's error as the caller gets it. The child runs hostile code, so its answers are bounded
 * here again, whatever it bounded itself: a message of at most 2,048 characters, details of at most
 * 4 KiB as JSON.
 */
export function boundedError(error: WireError): { message: string; details: Record<string, unknown> } {
  const message = String(error.message).slice(0, MAX_MESSAGE_CHARS);
  let details: Record<string, unknown> = {};
  if (typeof error.details === 'object' && error.details !== null) {
    let size = Infinity;
    try {
      size = JSON.stringify(error.details).length;
    } catch {
      // Not JSON: dropped.
    }
    details = size <= MAX_DETAILS_BYTES ? error.details : { truncated: true };
  }
  return { message, details };
}
