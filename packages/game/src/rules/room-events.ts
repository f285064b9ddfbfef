/** @module Events the engine itself emits for rules rooms (games emit their own through `ctx.emit`). */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';

export const RoomClosed = defineEvent({
  type: 'game.room.closed',
  description: "A rules room was closed (its game's handlers kept failing); its players were told why.",
  schema: z.object({ roomId: z.string(), game: z.string(), tick: z.number().int(), code: z.string(), message: z.string() }),
});
