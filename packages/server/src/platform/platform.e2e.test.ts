/**
 * The real `tickline start` (role all) with the platform: players join and move over WebSocket,
 * the admin sees them through the operations API (CCU, live state, movement history, consumer
 * lag back to zero), a user is refused; then the process is killed with SIGKILL while moves are
 * flowing and started again: once the lag is zero, the movement table holds every game event of
 * the log exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog } from '@tickline/eventlog';
import type { TestGameClient } from '@tickline/game/internal';
import { decodeEvent } from '@tickline/kernel';
import { createPgliteSql } from '@tickline/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  callJson,
  initialAdminToken,
  openEventSource,
  signUpAndIn,
  streamTicket,
} from '../testing/api-clients.ts';
import { joinAndWalk } from '../testing/game-walk.ts';
import { startTicklineServer, until, type RunningServer } from '@tickline/testing';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-platform-e2e-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = {
  TICKLINE_DATA_DIR: dataDir,
  TICKLINE_HTTP_PORT: '0',
  TICKLINE_HTTP_HOST: '127.0.0.1',
  TICKLINE_GAME_ZONES: 'north',
  TICKLINE_MARKET_ENABLED: 'false',
};

async function lagOf(url: string, token: string): Promise<number | undefined> {
  const streams = await callJson(url, 'GET', '/api/v1/admin/streams', { bearer: token });
  return streams.body.consumers.find((c: { name: string }) => c.name === 'platform')?.lag;
}

describe('platform - tickline start', () => {
  it('platform e2e - the admin sees players live; a kill -9 mid-stream loses and doubles no movement', async () => {
    let server: RunningServer = await startTicklineServer(env);
    const clients: TestGameClient[] = [];
    try {
      const admin = await initialAdminToken(server.url, dataDir);
      const alice = await signUpAndIn(server.url, 'alice@example.com');
      const bob = await signUpAndIn(server.url, 'bob@example.com');
      const forbidden = await callJson(server.url, 'GET', '/api/v1/admin/players', {
        bearer: bob.accessToken,
      });
      expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'AUTH_FORBIDDEN']);

      await joinAndWalk(server.url, alice, 10, (c) => clients.push(c));
      await joinAndWalk(server.url, bob, 10, (c) => clients.push(c));
      const asAdmin = (path: string) =>
        callJson(server.url, 'GET', `/api/v1/admin${path}`, { bearer: admin });
      const zones = await asAdmin('/zones');
      expect(zones.body.zones).toMatchObject([{ zoneId: 'north', ccu: 2, health: 'ok' }]);
      // The same figures live, pushed to admins on admin:zones.
      const feed = openEventSource(server.url, {
        channels: ['admin:zones'],
        types: ['admin.zones'],
        ticket: await streamTicket(server.url, admin),
      });
      try {
        const live = await feed.next('admin.zones');
        expect(live.data.zones).toMatchObject([{ zoneId: 'north', ccu: 2 }]);
      } finally {
        feed.close();
      }
      const refused = openEventSource(server.url, {
        channels: ['admin:zones'],
        types: ['admin.zones'],
        ticket: await streamTicket(server.url, bob.accessToken),
      });
      expect(await refused.refused).toBe(403);
      refused.close();
      let online: string[] = [];
      await until(
        async () => {
          online = (await asAdmin('/players?online=true')).body.players.map(
            (p: { playerId: string }) => p.playerId,
          );
          return online.length >= 2;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'both players online' },
      );
      expect(online.sort()).toEqual([alice.userId, bob.userId].sort());
      const detail = await asAdmin(`/players/${alice.userId}`);
      expect(detail.body).toMatchObject({
        player: { profile: { email: 'alice@example.com' }, online: true, zoneId: 'north' },
        live: { zoneId: 'north' },
        sessions: [{ zoneId: 'north', leftAt: null }],
      });
      const movements = await asAdmin(`/players/${alice.userId}/movements`);
      expect(movements.body.movements.length).toBeGreaterThanOrEqual(11); // joined + 10 moves
      let lag = await lagOf(server.url, admin);
      await until(async () => (lag = await lagOf(server.url, admin)) === 0, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'the projections to catch up (lag 0)',
      });
      expect(lag).toBe(0);

      // Moves in flight, then SIGKILL: no drain, no flush, a batch may be half-consumed.
      const walking = joinAndWalk(server.url, alice, 200, (c) => clients.push(c)).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 400));
      server.child.kill('SIGKILL');
      await server.exited;
      await walking;
      for (const c of clients.splice(0)) c.drop();

      server = await startTicklineServer(env);
      const again = await initialAdminToken(server.url, dataDir);
      await until(async () => (lag = await lagOf(server.url, again)) === 0, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'the projections to catch up after the restart (lag 0)',
      });
      expect(lag).toBe(0);
      const audit = await callJson(server.url, 'GET', '/api/v1/admin/audit', { bearer: again });
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('player.lookup');
    } finally {
      for (const c of clients) c.drop();
      server.child.kill('SIGTERM');
      await server.exited;
    }

    // Every game event in the log is one movement row, and nothing else is.
    const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog'), readOnly: true });
    const gameEvents = new Set<string>();
    try {
      const head = await log.head();
      for (let from = head.first; from <= head.last; from += 1_000) {
        for (const record of await log.read({ from, limit: 1_000 })) {
          if (record.type.startsWith('game.player.')) gameEvents.add(decodeEvent(record.payload).id);
        }
      }
    } finally {
      await log.close();
    }
    const sql = await createPgliteSql({ dataDir: join(dataDir, 'db') });
    try {
      const { rows } = await sql.query<{ event_id: string }>(
        "select event_id from platform_movements where consumer_group = 'platform'",
      );
      const ids = rows.map((r) => r.event_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(gameEvents);
      expect(gameEvents.size).toBeGreaterThan(22);
    } finally {
      await sql.close();
    }
  }, 180_000);
});
