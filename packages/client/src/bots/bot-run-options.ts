/** @module What a bot run needs: the options `tickline bots` and test fleets resolve. */

/** The transports a bot may use. */
export const BotTransport = { Ws: 'ws', Tcp: 'tcp' } as const;
export type BotTransport = (typeof BotTransport)[keyof typeof BotTransport];

/** What a bot run needs. */
export interface BotRunOptions {
  /** The server's HTTP origin. */
  url: string;
  count: number;
  durationMs: number;
  /** Moves per second per bot. */
  rateHz: number;
  zone: string | undefined;
  transport: BotTransport;
  /** Share of moves that are speed hacks (must be rejected). */
  hackRatio: number;
  /** The zone's maximum speed, units per tick (bots use 80% of it). */
  speedPerTick: number;
  /** Password of the bot accounts (each bot signs up its own). */
  password: string;
  /** Play as this API key's user instead of signing up (one player, so one bot). */
  apiKey: string | undefined;
  connectConcurrency: number;
  /** Honest moves rejected above this share fail the run. */
  maxRejectRatio: number;
  json: boolean;
}
