/** @module JetStream publish acknowledgements: `{stream, seq, duplicate?}` or `{error}`, as typed results. */
import type { Msg } from '@nats-io/transport-node';
import { EventLogError } from '../port/errors.ts';

/** A parsed PubAck. */
export type PubAckResult =
  { ok: true; seq: number; duplicate: boolean } | { ok: false; error: EventLogError };

interface RawPubAck {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; err_code?: number; description?: string };
}

const decoder = new TextDecoder();
const HTTP_SERVER_ERROR = 500;

/** Turns an ack message into a result; server-side (5xx) and unknown failures are retryable. */
export function parsePubAck(msg: Msg): PubAckResult {
  if (msg.data.length === 0) {
    // A status-only reply: 503 means no stream listens on the subject (or JetStream is down).
    const status = msg.headers?.code ?? 0;
    return {
      ok: false,
      error: new EventLogError(
        'EVLOG_UNAVAILABLE',
        `JetStream answered ${status} ${msg.headers?.description ?? ''}`.trim(),
      ),
    };
  }
  let ack: RawPubAck;
  try {
    ack = JSON.parse(decoder.decode(msg.data)) as RawPubAck;
  } catch (cause) {
    return {
      ok: false,
      error: new EventLogError('EVLOG_UNAVAILABLE', 'unreadable JetStream ack', { cause }),
    };
  }
  if (ack.error) {
    const code = ack.error.code ?? HTTP_SERVER_ERROR;
    const message = `JetStream rejected the record: ${ack.error.description ?? 'unknown error'} (${code}/${ack.error.err_code ?? '-'})`;
    return {
      ok: false,
      error: new EventLogError(
        code >= HTTP_SERVER_ERROR ? 'EVLOG_UNAVAILABLE' : 'EVLOG_INVALID_ARGUMENT',
        message,
        {
          details: { code, errCode: ack.error.err_code },
        },
      ),
    };
  }
  if (typeof ack.seq !== 'number' || !ack.stream)
    return { ok: false, error: new EventLogError('EVLOG_UNAVAILABLE', 'JetStream ack without a sequence') };
  return { ok: true, seq: ack.seq, duplicate: ack.duplicate === true };
}
