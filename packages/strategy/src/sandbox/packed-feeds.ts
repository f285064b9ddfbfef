/** @module The layout feeds travel in to an isolate: one buffer, feed after feed, column after column. */

/** Feed metadata; the columns of all feeds travel as one packed buffer. */
export interface PackedFeed {
  symbol: string;
  interval: string;
  length: number;
}

/** Column order inside the packed buffer. */
export const PACKED_COLUMNS = ['openTime', 'closeTime', 'open', 'high', 'low', 'close', 'volume'] as const;
