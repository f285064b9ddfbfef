/**
 * @module The projection's behaviour, run on PGlite (unit) and PostgreSQL (int): replays change
 * nothing, order does not regress state, a failing batch leaves nothing, groups are independent.
 */
import { PlayerMoved } from '@tickline/game';
import { createEventSource, ManualClock, type EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, migrate, type Sql, loadMigrationSets, MIGRATIONS_DIR } from '@tickline/store';
import { PLATFORM_MIGRATIONS_DIR } from '../../config.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformProjection, projectPlatformEvents } from '../platform-projection.ts';
import type { MovementHistoryOptions } from '../movement-rows.ts';
import { batches, gameStream, PLAYERS, seededRandom, STREAM_START_MS } from './game-stream.ts';
import { dumpGroup } from './platform-tables.ts';

const count = async (sql: Sql, table: string, group: string) =>
  Number(
    (await sql.query<{ n: number }>(`select count(*) as n from ${table} where consumer_group = $1`, [group]))
      .rows[0]!.n,
  );

async function replay(
  sql: Sql,
  group: string,
  events: readonly EventEnvelope[],
  size = 17,
  movements?: MovementHistoryOptions,
) {
  const projection = createPlatformProjection({
    sql,
    consumerGroup: group,
    ...(movements ? { movements } : {}),
  });
  let projected = 0;
  for (const [i, batch] of batches(events, size).entries()) {
    projected += (await projection.apply(batch, { lastOffset: (i + 1) * size })).projected;
  }
  return projected;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Registers the suite; `open` gives a fresh, empty database. */
export function runPlatformProjectionSuite(name: string, open: () => Promise<Sql>): void {
  describe(`platform projection on ${name}`, () => {
    let sql: Sql;
    const stream = gameStream();
    const moves = stream.filter((e) => e.type === PlayerMoved.type);
    // PGlite's start and the migrations take seconds on a busy machine.
    beforeAll(async () => {
      sql = await open();
      await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, PLATFORM_MIGRATIONS_DIR]) });
    }, 60_000);
    afterAll(() => sql.close());

    it('projection - the whole stream gives players, sessions and one movement per game event', async () => {
      expect(await replay(sql, 'first', stream)).toBe(stream.length);
      const dump = await dumpGroup(sql, 'first');
      expect(dump.platform_movements).toHaveLength(stream.length - PLAYERS.length);
      const players = dump.platform_players as Array<Record<string, unknown>>;
      expect(players.map((p) => [p.online, (p.profile as { email: string }).email])).toEqual([
        [true, 'player-0@example.com'],
        [false, 'player-1@example.com'],
        [false, 'player-2@example.com'],
      ]);
      const sessions = dump.platform_sessions as Array<Record<string, unknown>>;
      expect(sessions).toHaveLength(15);
      expect(sessions.filter((s) => s.left_at === null)).toHaveLength(1);
      expect(sessions.every((s) => s.joined_at !== null)).toBe(true);
      expect(new Set(sessions.filter((s) => s.player_id === PLAYERS[2]).map((s) => s.zone_id))).toEqual(
        new Set(['a', 'b']),
      );
    });

    it('projection - replaying the whole stream twice leaves the tables identical', async () => {
      const before = await dumpGroup(sql, 'first');
      // Moves are not claimed (their writes are idempotent): only they are applied again.
      expect(await replay(sql, 'first', stream, 50)).toBe(moves.length);
      expect(await dumpGroup(sql, 'first')).toEqual(before);
      // Without the claims the writes themselves are idempotent: forget them and project again.
      await sql.query('delete from processed_events where consumer = $1', ['first']);
      expect(await replay(sql, 'first', stream, 50)).toBe(stream.length);
      expect(await dumpGroup(sql, 'first')).toEqual(before);
    });

    it('projection - events in any order end in the same players and movements', async () => {
      await replay(sql, 'shuffled', shuffled(stream, 3), 11);
      const inOrder = await dumpGroup(sql, 'first');
      const outOfOrder = await dumpGroup(sql, 'shuffled');
      expect(outOfOrder.platform_players).toEqual(inOrder.platform_players);
      expect(outOfOrder.platform_movements).toEqual(inOrder.platform_movements);
    });

    it('projection - only joins, leaves and profiles are claimed; a move is never a claim row', async () => {
      const { rows } = await sql.query<{ n: number }>(
        'select count(*) as n from processed_events where consumer = $1',
        ['first'],
      );
      expect(Number(rows[0]!.n)).toBe(stream.length - moves.length);
    });

    it('projection - sampled history: the newest move per player, zone and second; any batching and order give the same', async () => {
      const sampled: MovementHistoryOptions = { keep: 'sampled', sampleMs: 1_000 };
      await replay(sql, 'sampled', stream, 17, sampled);
      await replay(sql, 'sampled-shuffled', shuffled(stream, 5), 7, sampled);
      const dump = await dumpGroup(sql, 'sampled');
      expect((await dumpGroup(sql, 'sampled-shuffled')).platform_movements).toEqual(dump.platform_movements);
      // The current positions do not depend on what the history keeps.
      expect(dump.platform_players).toEqual((await dumpGroup(sql, 'first')).platform_players);
      const rows = dump.platform_movements as Array<{
        kind: string;
        at: Date;
        player_id: string;
        zone_id: string;
        seq: string;
      }>;
      const newest = new Map<string, number>();
      for (const move of moves) {
        // The zone's event seq (the envelope's), which orders a zone's moves.
        const { playerId, zoneId } = move.data as { playerId: string; zoneId: string };
        const key = `${playerId}|${zoneId}|${Math.floor(Date.parse(move.time) / 1_000) * 1_000}`;
        newest.set(key, Math.max(newest.get(key) ?? 0, move.seq));
      }
      const movedRows = rows.filter((r) => r.kind === 'moved');
      expect(movedRows).toHaveLength(newest.size);
      for (const row of movedRows)
        expect(Number(row.seq)).toBe(newest.get(`${row.player_id}|${row.zone_id}|${row.at.getTime()}`));
      expect(rows.filter((r) => r.kind !== 'moved')).toHaveLength(
        stream.length - moves.length - PLAYERS.length,
      );
      // Replayed, nothing changes.
      await replay(sql, 'sampled', stream, 50, sampled);
      expect(await dumpGroup(sql, 'sampled')).toEqual(dump);
    });

    it('projection - no move history: joins and leaves only, positions still current', async () => {
      await replay(sql, 'no-moves', stream, 17, { keep: 'none', sampleMs: 1_000 });
      const dump = await dumpGroup(sql, 'no-moves');
      const kinds = new Set((dump.platform_movements as Array<{ kind: string }>).map((r) => r.kind));
      expect(kinds).toEqual(new Set(['joined', 'left']));
      expect(dump.platform_players).toEqual((await dumpGroup(sql, 'first')).platform_players);
    });

    it('projection - a move older than the stored state does not regress the position', async () => {
      const clock = new ManualClock(STREAM_START_MS + 10 * 86_400_000);
      const zone = createEventSource({ source: 'zone/old', clock });
      const move = (x: number) =>
        zone.create(PlayerMoved, {
          subject: 'p-1',
          data: { zoneId: 'old', playerId: 'p-1', x, y: 0, tick: x, seq: x },
        });
      const older = move(1);
      clock.advance(100);
      const newer = move(2);
      const projection = createPlatformProjection({ sql, consumerGroup: 'order' });
      await projection.apply([newer]);
      await projection.apply([older]);
      const { rows } = await sql.query<{ x: number; state_event_id: string; first_seen_at: Date }>(
        'select x, state_event_id, first_seen_at from platform_players where consumer_group = $1',
        ['order'],
      );
      expect(rows).toEqual([{ x: 2, state_event_id: newer.id, first_seen_at: new Date(older.time) }]);
      expect(await count(sql, 'platform_movements', 'order')).toBe(2);
    });

    it('projection - a leave delivered before its join still closes one session', async () => {
      const joinedAndLeft = stream.filter(
        (e) => e.subject === PLAYERS[1] && (e.type === 'game.player.joined' || e.type === 'game.player.left'),
      );
      const [join, leave] = joinedAndLeft;
      const projection = createPlatformProjection({ sql, consumerGroup: 'late-join' });
      await projection.apply([leave!]);
      await projection.apply([join!]);
      const { rows } = await sql.query<{ session_id: string; left_at: Date }>(
        'select session_id, left_at from platform_sessions where consumer_group = $1',
        ['late-join'],
      );
      expect(rows).toEqual([{ session_id: join!.id, left_at: new Date(leave!.time) }]);
    });

    it('projection - a batch failing midway leaves nothing half-written', async () => {
      const head = stream.slice(0, 40);
      // A join without a zone: the player upsert succeeds, the session insert then fails.
      const poisoned = {
        ...stream[3]!,
        id: 'poisoned',
        data: { ...(stream[3]!.data as object), zoneId: null },
      };
      const projection = createPlatformProjection({ sql, consumerGroup: 'failing' });
      await expect(projection.apply([...head, poisoned], { lastOffset: 41 })).rejects.toThrow();
      for (const table of ['platform_players', 'platform_sessions', 'platform_movements']) {
        expect(await count(sql, table, 'failing')).toBe(0);
      }
      expect(await projection.checkpoint()).toBeUndefined();
      // The same batch without the bad event goes through whole.
      expect((await projection.apply(head, { lastOffset: 40 })).projected).toBe(40);
      expect(await count(sql, 'platform_movements', 'failing')).toBe(37);
    });

    it('projection - two groups consume the same events independently', async () => {
      const half = stream.slice(0, 60);
      await replay(sql, 'tenant-a', stream);
      await replay(sql, 'tenant-b', half);
      expect(await count(sql, 'platform_movements', 'tenant-a')).toBe(stream.length - 3);
      expect(await count(sql, 'platform_movements', 'tenant-b')).toBe(57);
      expect(await createPlatformProjection({ sql, consumerGroup: 'tenant-b' }).checkpoint()).toMatchObject({
        lastEventId: half.at(-1)!.id,
      });
      // Tenant b catches up on its own and ends where tenant a is.
      await replay(sql, 'tenant-b', stream);
      expect(await dumpGroup(sql, 'tenant-b')).toEqual(await dumpGroup(sql, 'tenant-a'));
    });

    it('projection - events of other domains are neither projected nor claimed, and the checkpoint moves', async () => {
      const noise = { ...stream[5]!, id: 'market-noise', type: 'market.trade.executed', data: {} };
      const projection = createPlatformProjection({ sql, consumerGroup: 'noise' });
      expect(await projection.apply([noise], { lastOffset: 7 })).toEqual({ projected: 0, duplicates: 0 });
      expect(await projection.checkpoint()).toMatchObject({ position: 7, lastEventId: null });
      const claimed = await sql.query('select 1 from processed_events where consumer = $1', ['noise']);
      expect(claimed.rows).toEqual([]);
    });

    it('projection - a rolled-back batch is projected again by the next attempt', async () => {
      let fail = true;
      const flaky = createSqlProjection({
        sql,
        consumer: 'flaky',
        project: async (tx, events) => {
          await projectPlatformEvents(tx, 'flaky', events);
          if (fail) throw new Error('crash after the writes');
        },
      });
      await expect(flaky.apply(stream)).rejects.toThrow('crash after the writes');
      expect(await count(sql, 'platform_movements', 'flaky')).toBe(0);
      fail = false;
      expect((await flaky.apply(stream)).projected).toBe(stream.length);
      expect(await dumpGroup(sql, 'flaky')).toEqual(await dumpGroup(sql, 'first'));
    });
  });
}
