/**
 * @module Where a channel's messages sit on the real-time delivery log: its key, whose `:`
 * segments the NATS adapter turns into subject tokens. Channels of bounded families keep their
 * name (`market:BTC-USDT:trades` → key `c:market:BTC-USDT:trades`, subject `….c.market.BTC-USDT.trades`),
 * so a family can be selected with a wildcard (`….c.market.*.ticker`). Families named by an id
 * that grows without bound (a channel per user, per strategy) get a fixed-size hash of the name
 * instead (`user:0193…` → `h:user:<22 base64url characters>`): the subject's length never depends
 * on the name, and user ids do not appear in the server's subject space (monitoring, `nats sub >`).
 * The hash is 132 bits; a collision would only send a message to a gateway that does not want it,
 * which checks the channel carried in the message and drops it.
 */
import { createHash } from 'node:crypto';

/** Channel families whose names carry an unbounded id: their key is a hash of the name. */
export const HASHED_CHANNEL_FAMILIES: ReadonlySet<string> = new Set(['user', 'strategy']);

const HASH_CHARS = 22;

/** The delivery-log key of `channel` (a valid channel name). */
export function channelKey(channel: string): string {
  const end = channel.indexOf(':');
  const family = end === -1 ? channel : channel.slice(0, end);
  if (!HASHED_CHANNEL_FAMILIES.has(family)) return `c:${channel}`;
  const hash = createHash('sha256').update(channel).digest('base64url').slice(0, HASH_CHARS);
  return `h:${family}:${hash}`;
}
