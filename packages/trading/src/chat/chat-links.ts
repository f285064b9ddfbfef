/**
 * @module Chats linked to accounts, in SQL (`chat_links`, `chat_link_codes`, migration 0098): a
 * one-time code made for a signed-in user (its SHA-256 stored, the code shown once), redeemed from
 * a chat to link that chat with the code's scopes; the link read on every chat command; links
 * listed and removed by their owner (or from the chat with /unlink).
 */
import { createHash, randomInt } from 'node:crypto';
import type { Sql } from '@tickline/store';

export type ChatProvider = 'telegram';

export interface ChatLink {
  provider: ChatProvider;
  chatId: string;
  userId: string;
  scopes: string[];
  label: string;
  createdAt: number;
}

/** Letters and digits that do not read alike (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** 31^10 ≈ 8·10^14 codes: guessing one within its minutes is hopeless, and each chat gets few tries. */
const CODE_LENGTH = 10;

const digest = (code: string): string =>
  createHash('sha256')
    .update(code.toUpperCase().replace(/[^A-Z0-9]/g, ''))
    .digest('hex');
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

interface LinkRow {
  provider: ChatProvider;
  chat_id: string;
  user_id: string;
  scopes: string[] | string;
  label: string;
  created_at_ms: string | number;
}
const linkOf = (r: LinkRow): ChatLink => ({
  provider: r.provider,
  chatId: r.chat_id,
  userId: r.user_id,
  scopes: json(r.scopes),
  label: r.label,
  createdAt: Number(r.created_at_ms),
});

export class SqlChatLinks {
  readonly #sql: Sql;
  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** A new one-time code for `userId`; earlier unused codes of the user stay valid until they expire. */
  async createCode(
    provider: ChatProvider,
    userId: string,
    scopes: readonly string[],
    now: number,
    ttlMs: number,
  ) {
    const code = Array.from(
      { length: CODE_LENGTH },
      () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)],
    ).join('');
    // Expired codes go when a new one is made: the table holds only live ones, a few per user.
    await this.#sql.query('delete from chat_link_codes where expires_at_ms < $1', [now]);
    await this.#sql.query(
      `insert into chat_link_codes (code_sha256, provider, user_id, scopes, expires_at_ms)
       values ($1, $2, $3, $4, $5)`,
      [digest(code), provider, userId, JSON.stringify(scopes), now + ttlMs],
    );
    return code;
  }

  /**
   * Links `chatId` with the code's user and scopes (replacing the chat's earlier link) and spends
   * the code, in one transaction; undefined when the code is unknown, used or expired.
   */
  async redeem(provider: ChatProvider, code: string, chatId: string, label: string, now: number) {
    return this.#sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ user_id: string; scopes: string[] | string }>(
        `delete from chat_link_codes where code_sha256 = $1 and provider = $2 and expires_at_ms >= $3
         returning user_id, scopes`,
        [digest(code), provider, now],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const { rows: linked } = await tx.query<LinkRow>(
        `insert into chat_links (provider, chat_id, user_id, scopes, label, created_at_ms)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (provider, chat_id) do update set user_id = excluded.user_id,
           scopes = excluded.scopes, label = excluded.label, created_at_ms = excluded.created_at_ms
         returning provider, chat_id, user_id, scopes, label, created_at_ms`,
        [provider, chatId, row.user_id, JSON.stringify(json(row.scopes)), label, now],
      );
      return linkOf(linked[0]!);
    });
  }

  async get(provider: ChatProvider, chatId: string): Promise<ChatLink | undefined> {
    const { rows } = await this.#sql.query<LinkRow>(
      'select * from chat_links where provider = $1 and chat_id = $2',
      [provider, chatId],
    );
    return rows[0] && linkOf(rows[0]);
  }

  async list(userId: string): Promise<ChatLink[]> {
    const { rows } = await this.#sql.query<LinkRow>(
      'select * from chat_links where user_id = $1 order by created_at_ms',
      [userId],
    );
    return rows.map(linkOf);
  }

  /** Removes the link; `userId` (when given) must own it. True when one was removed. */
  async remove(provider: ChatProvider, chatId: string, userId?: string): Promise<boolean> {
    const { rows } = await this.#sql.query(
      `delete from chat_links where provider = $1 and chat_id = $2 and ($3::text is null or user_id = $3)
       returning chat_id`,
      [provider, chatId, userId ?? null],
    );
    return rows.length > 0;
  }
}
