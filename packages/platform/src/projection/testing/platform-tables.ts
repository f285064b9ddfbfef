/** @module Reads a group's platform tables in a stable order, for comparing projections. */
import type { SqlQueryable } from '@tickline/store';

const ORDER: Readonly<Record<string, string>> = {
  platform_players: 'player_id',
  platform_sessions: 'session_id',
  platform_movements: 'at, event_id',
};

/** Every row of the group (without the group column), per table. */
export async function dumpGroup(
  sql: SqlQueryable,
  consumerGroup: string,
): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(ORDER)) {
    const { rows } = await sql.query<Record<string, unknown>>(
      `select * from ${table} where consumer_group = $1 order by ${order}`,
      [consumerGroup],
    );
    dump[table] = rows.map(({ consumer_group: _group, ...rest }) => rest);
  }
  return dump;
}
