/** @module Messages a WebSocket client sends, validated with zod: unknown fields are refused. */
import type { StreamClientMessage } from '@tickline/protocol';
import { z } from 'zod';
import { MAX_CHANNEL_NAME_LENGTH } from '../channels/channel-name.ts';
import { MAX_LAST_EVENT_ID_LENGTH } from '../sse/sse-request.ts';
import { RealtimeError } from '../errors.ts';

/** Most channels one subscribe or unsubscribe message may name. */
export const MAX_CHANNELS_PER_MESSAGE = 256;

const ref = z.union([z.string().max(64), z.number().int()]).optional();
const channels = z.array(z.string().max(MAX_CHANNEL_NAME_LENGTH)).min(1).max(MAX_CHANNELS_PER_MESSAGE);

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    channels,
    /** Resume after this event id (same semantics as SSE `Last-Event-ID`). */
    lastEventId: z.string().max(MAX_LAST_EVENT_ID_LENGTH).optional(),
    /** Echoed in the reply so a client can match replies to requests. */
    ref,
  }),
  z.strictObject({ type: z.literal('unsubscribe'), channels, ref }),
  z.strictObject({ type: z.literal('ping'), ref }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

// Compile-time proof that the validator accepts every message of the stream contract
// (@tickline/protocol's StreamClientMessage), so a client built on the contract is never refused.
const _acceptsContract = (message: StreamClientMessage): ClientMessage => message;

/**
 * Parses a text frame.
 * @throws RealtimeError RT_BAD_MESSAGE with the problems in `details.issues`.
 */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RealtimeError('RT_BAD_MESSAGE', 'message is not valid JSON');
  }
  const parsed = ClientMessage.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new RealtimeError('RT_BAD_MESSAGE', 'message does not match any known shape', {
      details: { issues },
    });
  }
  return parsed.data;
}
