/**
 * @module The bot updates chat control has taken, in SQL (`chat_updates`, migration 0103) beside
 * the chat links: an update id is taken by one statement, so of two API processes that both
 * receive it (a webhook resend landing on the other one behind a load balancer, or a poll after a
 * switch) exactly one acts on it. Ids expire after {@link UPDATE_ID_TTL_MS}.
 */
import type { Sql } from '@tickline/store';
import type { ChatProvider } from './chat-links.ts';

/**
 * How long a taken id is remembered. Telegram re-sends an unanswered update for up to a day; after
 * a week without updates it may start ids anew at random, so they must not be kept that long.
 * @default 2 days
 */
export const UPDATE_ID_TTL_MS = 2 * 24 * 60 * 60 * 1000;
/** How often a process deletes expired ids (on a take, at most this often). */
const EXPIRE_EVERY_MS = 60 * 60 * 1000;

/** Takes update ids: true the first time an id is taken anywhere, false after. */
export interface ChatUpdateIds {
  take(updateId: number): Promise<boolean>;
}

export interface SqlChatUpdateIdsOptions {
  sql: Sql;
  provider: ChatProvider;
  /** The bot the ids belong to (Telegram: the numeric id before the token's colon). */
  botId: string;
  now: () => number;
}

export class SqlChatUpdateIds implements ChatUpdateIds {
  readonly #o: SqlChatUpdateIdsOptions;
  /** When this process last deleted expired ids (0: not yet). */
  #expiredAt = 0;

  constructor(options: SqlChatUpdateIdsOptions) {
    this.#o = options;
  }

  async take(updateId: number): Promise<boolean> {
    const { sql, provider, botId, now } = this.#o;
    const at = now();
    if (at - this.#expiredAt >= EXPIRE_EVERY_MS) {
      this.#expiredAt = at;
      await sql.query('delete from chat_updates where taken_at_ms < $1', [at - UPDATE_ID_TTL_MS]);
    }
    const { rows } = await sql.query(
      `insert into chat_updates (provider, bot_id, update_id, taken_at_ms) values ($1, $2, $3, $4)
       on conflict do nothing returning update_id`,
      [provider, botId, updateId, at],
    );
    return rows.length === 1;
  }
}
