/** @module The game coordinator's API on the wire (`/api/v1/game`): the join ticket and the zone list. */
import { z } from 'zod';

export const JoinTicketSchema = z.object({
  token: z.string().describe('Send it in the hello message; valid once, until expiresAt.'),
  zone: z.string(),
  tcp: z.string().nullable().describe('`tcp://host:port` of the length-prefixed transport, or null.'),
  ws: z.string().nullable().describe('WebSocket URL of the zone, or null.'),
  expiresAt: z.iso.datetime(),
});
/** The coordinator's answer to `POST /api/v1/game/join`. */
export type JoinTicket = z.infer<typeof JoinTicketSchema>;

export const ZoneListSchema = z.object({
  zones: z.array(
    z.object({
      zone: z.string(),
      players: z.number().int(),
      capacity: z.number().int(),
      draining: z.boolean(),
    }),
  ),
});
/** `GET /api/v1/game/zones`. */
export type ZoneList = z.infer<typeof ZoneListSchema>;
