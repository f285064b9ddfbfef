/**
 * @module Reading the projected players: search by id or email, one player with its recent
 * sessions, and its movement history (newest first, from the partitioned table by time range).
 */
import type { SqlQueryable } from '@tickline/store';
import type { MovementKind } from '../projection/game-facts.ts';

/** A player as projected. Times are Date; `profile` is null until account.created was seen. */
export interface PlayerRecord {
  playerId: string;
  profile: { email: string; role: string; tier: string } | null;
  online: boolean;
  zoneId: string | null;
  position: { x: number; y: number } | null;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
}

/** One stay in a zone; `joinedAt` is null for a leave whose join was not seen yet. */
export interface PlayerSession {
  sessionId: string;
  zoneId: string;
  joinedAt: Date | null;
  leftAt: Date | null;
  leftReason: string | null;
}

/** One position of the movement history. */
export interface Movement {
  at: Date;
  eventId: string;
  zoneId: string;
  kind: MovementKind;
  x: number;
  y: number;
  tick: number;
}

/** Options for {@link searchPlayers}. */
export interface SearchPlayersOptions {
  /** A player id, or part of an email (case-insensitive). */
  query?: string;
  online?: boolean;
  /** @default 50 */
  limit?: number;
}

export const DEFAULT_PLAYER_PAGE = 50;
export const DEFAULT_MOVEMENT_PAGE = 200;
export const DEFAULT_SESSION_PAGE = 20;

interface PlayerRow {
  player_id: string;
  profile: PlayerRecord['profile'];
  online: boolean;
  zone_id: string | null;
  x: number | null;
  y: number | null;
  first_seen_at: Date | null;
  last_seen_at: Date | null;
}

const PLAYER_COLUMNS = 'player_id, profile, online, zone_id, x, y, first_seen_at, last_seen_at';

function toPlayer(row: PlayerRow): PlayerRecord {
  return {
    playerId: row.player_id,
    profile: row.profile,
    online: row.online,
    zoneId: row.zone_id,
    position: row.x === null || row.y === null ? null : { x: row.x, y: row.y },
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}

// LIKE wildcards in the query are matched literally.
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Players of the group matching the query, most recently seen first. */
export async function searchPlayers(
  sql: SqlQueryable,
  consumerGroup: string,
  options: SearchPlayersOptions = {},
): Promise<PlayerRecord[]> {
  const query = options.query?.trim() || null;
  const { rows } = await sql.query<PlayerRow>(
    `select ${PLAYER_COLUMNS} from platform_players
     where consumer_group = $1
       and ($2::text is null or player_id = $2 or lower(profile->>'email') like '%' || $3 || '%')
       and ($4::bool is null or online = $4)
     order by last_seen_at desc nulls last, player_id limit $5`,
    [
      consumerGroup,
      query,
      query && escapeLike(query.toLowerCase()),
      options.online ?? null,
      options.limit ?? DEFAULT_PLAYER_PAGE,
    ],
  );
  return rows.map(toPlayer);
}

/** One player, or undefined. */
export async function findPlayer(
  sql: SqlQueryable,
  consumerGroup: string,
  playerId: string,
): Promise<PlayerRecord | undefined> {
  const { rows } = await sql.query<PlayerRow>(
    `select ${PLAYER_COLUMNS} from platform_players where consumer_group = $1 and player_id = $2`,
    [consumerGroup, playerId],
  );
  return rows[0] && toPlayer(rows[0]);
}

/** The player's latest sessions, newest first. */
export async function playerSessions(
  sql: SqlQueryable,
  consumerGroup: string,
  playerId: string,
  limit = DEFAULT_SESSION_PAGE,
): Promise<PlayerSession[]> {
  const { rows } = await sql.query<{
    session_id: string;
    zone_id: string;
    joined_at: Date | null;
    left_at: Date | null;
    left_reason: string | null;
  }>(
    `select session_id, zone_id, joined_at, left_at, left_reason from platform_sessions
     where consumer_group = $1 and player_id = $2
     order by coalesce(joined_at, left_at) desc limit $3`,
    [consumerGroup, playerId, limit],
  );
  return rows.map((r) => ({
    sessionId: r.session_id,
    zoneId: r.zone_id,
    joinedAt: r.joined_at,
    leftAt: r.left_at,
    leftReason: r.left_reason,
  }));
}

/** Options for {@link movementHistory}. */
export interface MovementHistoryOptions {
  /** Inclusive lower bound. */
  since?: Date;
  /** Exclusive upper bound (the previous page's oldest `at`). */
  until?: Date;
  /** @default 200 */
  limit?: number;
}

/** The player's positions, newest first. */
export async function movementHistory(
  sql: SqlQueryable,
  consumerGroup: string,
  playerId: string,
  options: MovementHistoryOptions = {},
): Promise<Movement[]> {
  const { rows } = await sql.query<{
    at: Date;
    event_id: string;
    zone_id: string;
    kind: MovementKind;
    x: number;
    y: number;
    tick: number;
  }>(
    `select at, event_id, zone_id, kind, x, y, tick from platform_movements
     where consumer_group = $1 and player_id = $2
       and ($3::timestamptz is null or at >= $3) and ($4::timestamptz is null or at < $4)
     order by at desc, event_id desc limit $5`,
    [
      consumerGroup,
      playerId,
      options.since ?? null,
      options.until ?? null,
      options.limit ?? DEFAULT_MOVEMENT_PAGE,
    ],
  );
  return rows.map((r) => ({
    at: r.at,
    eventId: r.event_id,
    zoneId: r.zone_id,
    kind: r.kind,
    x: r.x,
    y: r.y,
    tick: Number(r.tick),
  }));
}
