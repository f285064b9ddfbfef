import {
  createInMemoryEventLog,
  DEAD_LETTER_TYPE,
  DEAD_LETTER_VERSION,
  encodeDeadLetter,
} from '@tickline/eventlog';
import { createInMemoryIdentityRepository, requestAuth } from '@tickline/identity';
import { decodeEvent, encodeEvent, type EventEnvelope } from '@tickline/kernel';
import { createPlatformOperations, createPlatformProjection, platformRoutes } from '@tickline/platform';
import { createFakeZones, gameStream, PLAYERS, type FakeZones } from '@tickline/platform/internal';
import { createPgliteSql, migrate, type Sql } from '@tickline/store';
import { loadAllMigrations } from '../wiring/migrations.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, createTestApi, type TestApi } from '../http/plugins/testing/test-api.ts';
import { registerApiScope } from '../api/api-scope.ts';
import { accessTokenFor, callJson } from '../testing/api-clients.ts';

const stream = gameStream(2);
const log = createInMemoryEventLog({ name: 'main' });
const deadLetters = createInMemoryEventLog({ name: 'main-dlq' });
let sql: Sql;
let api: TestApi;
let zones: FakeZones;
let base: string;
let admin: string;
let user: string;

const toRecord = (event: EventEnvelope) => ({
  id: event.id,
  key: event.partitionkey,
  type: event.type,
  payload: encodeEvent(event),
});

const signIn = (email: string): Promise<string> => accessTokenFor(base, email, GOOD_PASSWORD);

beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrate(sql, { migrations: await loadAllMigrations() });
  await createPlatformProjection({ sql, consumerGroup: 'platform' }).apply(stream);
  await log.append(stream.map(toRecord));
  const consumer = await log.consumer('platform');
  await consumer.ack(20);
  await consumer.close();
  // A dead letter: the consumer gave up on the 5th event.
  const failed = (await log.read({ from: 5, limit: 1 }))[0]!;
  await deadLetters.append([
    {
      id: 'dl-1',
      key: failed.key,
      type: DEAD_LETTER_TYPE,
      payload: encodeDeadLetter({
        v: DEAD_LETTER_VERSION,
        record: failed,
        log: 'main',
        consumer: 'platform',
        error: { code: 'EVLOG_HANDLER_FAILED', message: 'database down' },
        attempts: 5,
        failedAt: 1_700_000_000_000,
      }),
    },
  ]);
  zones = createFakeZones();
  api = await createTestApi({ repository: createInMemoryIdentityRepository() });
  const operations = createPlatformOperations({
    sql,
    consumerGroup: 'platform',
    log,
    deadLetters,
    zones,
  });
  await registerApiScope(api.app, {
    plugins: [platformRoutes({ identity: api.identity, operations })],
    limiter: undefined,
    authorize: requestAuth(api.identity).authorize,
  });
  base = await api.listen();
  await api.identity.createAccount({ email: 'ops@example.com', password: GOOD_PASSWORD }, 'admin');
  await api.identity.signUp({ email: 'someone@example.com', password: GOOD_PASSWORD });
  admin = await signIn('ops@example.com');
  user = await signIn('someone@example.com');
}, 60_000); // PGlite start and migrations take seconds on a busy machine
afterAll(async () => {
  await api?.close();
  await sql?.close();
});

const asAdmin = (method: string, path: string, body?: unknown) =>
  callJson(base, method, `/api/v1${path}`, { bearer: admin, ...(body === undefined ? {} : { body }) });

describe('operations api', () => {
  it('admin api - a non-admin gets 403 AUTH_FORBIDDEN and an anonymous caller 401 on every route', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/admin/streams'],
      ['GET', '/admin/dead-letters'],
      ['POST', '/admin/dead-letters/1/retry'],
      ['POST', '/admin/dead-letters/1/discard'],
      ['GET', '/admin/players'],
      ['GET', `/admin/players/${PLAYERS[0]}`],
      ['GET', `/admin/players/${PLAYERS[0]}/movements`],
      ['GET', '/admin/zones'],
      ['GET', '/admin/zones/a/snapshots'],
      ['POST', '/admin/zones/a/snapshots'],
      ['POST', '/admin/zones/a/snapshots/s1/restore'],
      ['POST', '/admin/broadcast'],
      ['POST', '/admin/zones/a/drain'],
      ['POST', '/admin/zones/a/restart'],
      ['GET', '/admin/audit'],
    ];
    for (const [method, path] of routes) {
      const forbidden = await callJson(base, method, `/api/v1${path}`, { bearer: user });
      expect([path, forbidden.status, forbidden.body.error.code]).toEqual([path, 403, 'AUTH_FORBIDDEN']);
      const anonymous = await callJson(base, method, `/api/v1${path}`);
      expect([path, anonymous.status]).toEqual([path, 401]);
    }
    expect(zones.calls).toEqual([]);
    const audit = await asAdmin('GET', '/admin/audit');
    expect(audit.body.entries).toEqual([]);
  });

  it('admin api - streams shows the head, rates per type and consumer lag', async () => {
    const response = await asAdmin('GET', '/admin/streams');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { log: head, rates, consumers } = response.body;
    expect(head).toMatchObject({ name: 'main', head: { first: 1, last: stream.length } });
    expect(rates.total).toBe(stream.length);
    const moved = rates.byType.find((r: { type: string }) => r.type === 'game.player.moved');
    expect(moved.count).toBe(stream.filter((e) => e.type === 'game.player.moved').length);
    expect(moved.perSecond).toBeCloseTo(moved.count / 60, 6);
    expect(consumers).toEqual([{ name: 'platform', acked: 20, lag: stream.length - 20 }]);
    expect(response.body.checkpoints).toEqual([
      expect.objectContaining({ consumer: 'platform', lastEventId: stream.at(-1)!.id }),
    ]);
  });

  it('admin api - dead letters are listed, retried into the log and discarded', async () => {
    const list = await asAdmin('GET', '/admin/dead-letters');
    expect(list.status).toBe(200);
    expect(list.body.letters).toHaveLength(1);
    const [letter] = list.body.letters;
    expect(letter).toMatchObject({
      offset: 1,
      consumer: 'platform',
      status: 'open',
      error: { code: 'EVLOG_HANDLER_FAILED' },
      event: { id: stream[4]!.id, type: stream[4]!.type },
    });
    const retried = await asAdmin('POST', '/admin/dead-letters/1/retry');
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ offset: stream.length + 1, duplicate: false });
    const [copy] = await log.read({ from: stream.length + 1, limit: 1 });
    expect(decodeEvent(copy!.payload)).toEqual(stream[4]);
    const discarded = await asAdmin('POST', '/admin/dead-letters/1/discard', { reason: 'handled by hand' });
    expect(discarded.status).toBe(204);
    const again = await asAdmin('POST', '/admin/dead-letters/1/retry');
    expect([again.status, again.body.error.code]).toEqual([409, 'PLATFORM_DEAD_LETTER_DISCARDED']);
    const missing = await asAdmin('POST', '/admin/dead-letters/99/discard');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'PLATFORM_NOT_FOUND']);
    const after = await asAdmin('GET', '/admin/dead-letters?status=discarded');
    expect(after.body.letters).toMatchObject([
      { offset: 1, status: 'discarded', handledBy: expect.any(String) },
    ]);
    const bad = await asAdmin('GET', '/admin/dead-letters?status=gone');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'HTTP_BAD_REQUEST']);
  });

  it('admin api - players are found by email, shown with sessions, live state and movements', async () => {
    const found = await asAdmin('GET', '/admin/players?query=PLAYER-1@');
    expect(found.body.players).toMatchObject([{ playerId: PLAYERS[1], online: false }]);
    const online = await asAdmin('GET', '/admin/players?online=true');
    expect(online.body.players.map((p: { playerId: string }) => p.playerId)).toEqual([PLAYERS[0]]);
    const detail = await asAdmin('GET', `/admin/players/${PLAYERS[0]}`);
    expect(detail.status).toBe(200);
    expect(detail.body.player).toMatchObject({ playerId: PLAYERS[0], online: true, zoneId: 'a' });
    expect(detail.body.sessions).toHaveLength(2);
    expect(detail.body.live).toEqual({ zoneId: 'a', x: 1, y: 2, tick: 100 });
    const movements = await asAdmin('GET', `/admin/players/${PLAYERS[0]}/movements?limit=5`);
    expect(movements.body.movements).toHaveLength(5);
    const times = movements.body.movements.map((m: { at: string }) => Date.parse(m.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const unknown = await asAdmin('GET', '/admin/players/nobody');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'PLATFORM_NOT_FOUND']);
  });

  it('admin api - zone operations reach the game runtime', async () => {
    expect((await asAdmin('GET', '/admin/zones')).body.zones).toHaveLength(2);
    const taken = await asAdmin('POST', '/admin/zones/a/snapshots');
    expect([taken.status, taken.body.id]).toEqual([201, 's1']);
    expect((await asAdmin('GET', '/admin/zones/a/snapshots')).body.snapshots).toMatchObject([{ id: 's1' }]);
    expect((await asAdmin('POST', '/admin/zones/a/snapshots/s1/restore')).body).toEqual({
      snapshotId: 's1',
      tick: 100,
      players: 3,
    });
    expect((await asAdmin('POST', '/admin/broadcast', { text: 'restart at noon' })).body).toEqual({
      zones: 2,
      players: 5,
    });
    // A field the command does not know is refused, not dropped (a misspelt zoneId broadcast to all).
    const misspelt = await asAdmin('POST', '/admin/broadcast', { text: 'restart at noon', zone: 'a' });
    expect([misspelt.status, misspelt.body.error.code]).toEqual([400, 'HTTP_BAD_REQUEST']);
    expect((await asAdmin('POST', '/admin/zones/a/drain', { message: 'bye' })).body).toEqual({
      playersTold: 3,
    });
    expect((await asAdmin('POST', '/admin/zones/b/restart')).status).toBe(204);
    const unknown = await asAdmin('POST', '/admin/zones/zz/drain');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'PLATFORM_NOT_FOUND']);
    expect(zones.calls).toEqual(['snapshot a', 'restore a s1', 'drain a bye', 'restart b']);
    expect(zones.notices).toEqual([{ level: 'info', text: 'restart at noon' }]);
  });

  it('admin api - every operation and player lookup is in the audit, failures too', async () => {
    const response = await asAdmin('GET', '/admin/audit?limit=100');
    const entries = response.body.entries as Array<{
      action: string;
      target?: string;
      outcome: string;
      actor: { kind: string };
    }>;
    expect(entries.map((e) => `${e.action} ${e.target ?? '-'} ${e.outcome}`).reverse()).toEqual([
      'dead_letter.retry 1 ok',
      'dead_letter.discard 1 ok',
      'dead_letter.retry 1 failed',
      'dead_letter.discard 99 failed',
      'player.search PLAYER-1@ ok',
      'player.search - ok',
      `player.lookup ${PLAYERS[0]} ok`,
      `player.movements ${PLAYERS[0]} ok`,
      'player.lookup nobody failed',
      'zone.snapshot.take a ok',
      'zone.snapshot.restore a ok',
      'zone.broadcast - ok',
      'zone.drain a ok',
      'zone.restart b ok',
      'zone.drain zz failed',
    ]);
    expect(new Set(entries.map((e) => e.actor.kind))).toEqual(new Set(['user']));
    const page = await asAdmin('GET', '/admin/audit?limit=2');
    expect(page.body.entries).toHaveLength(2);
    const next = await asAdmin('GET', `/admin/audit?limit=2&before=${page.body.next}`);
    expect(next.body.entries[0].id).toBeLessThan(page.body.entries[1].id);
  });
});

describe('operations api document', () => {
  it('admin api - every admin route is in the OpenAPI document with its credentials and inputs', async () => {
    const response = await callJson(base, 'GET', '/api/openapi.json');
    const paths = response.body.paths as Record<
      string,
      Record<string, { security?: unknown[]; parameters?: Array<{ name: string }> }>
    >;
    const admin = Object.keys(paths).filter(
      (path) => path.startsWith('/api/v1/admin/') && !path.startsWith('/api/v1/admin/users'),
    );
    expect(admin.sort()).toEqual([
      '/api/v1/admin/audit',
      '/api/v1/admin/broadcast',
      '/api/v1/admin/dead-letters',
      '/api/v1/admin/dead-letters/{offset}/discard',
      '/api/v1/admin/dead-letters/{offset}/retry',
      '/api/v1/admin/live-strategies',
      '/api/v1/admin/live-strategies/{id}/pause',
      '/api/v1/admin/players',
      '/api/v1/admin/players/{id}',
      '/api/v1/admin/players/{id}/movements',
      '/api/v1/admin/room-bans',
      '/api/v1/admin/rooms',
      '/api/v1/admin/rooms/{roomId}',
      '/api/v1/admin/rooms/{roomId}/handoff',
      '/api/v1/admin/rooms/{roomId}/kick',
      '/api/v1/admin/rooms/{roomId}/message',
      '/api/v1/admin/rooms/{roomId}/mute',
      '/api/v1/admin/rooms/{roomId}/replay',
      '/api/v1/admin/streams',
      '/api/v1/admin/zones',
      '/api/v1/admin/zones/{zoneId}/drain',
      '/api/v1/admin/zones/{zoneId}/handoff',
      '/api/v1/admin/zones/{zoneId}/restart',
      '/api/v1/admin/zones/{zoneId}/snapshots',
      '/api/v1/admin/zones/{zoneId}/snapshots/{snapshotId}/restore',
    ]);
    for (const path of admin)
      for (const operation of Object.values(paths[path]!)) expect(operation.security).toHaveLength(2);
    expect(paths['/api/v1/admin/players']!.get!.parameters!.map((p) => p.name)).toEqual([
      'query',
      'online',
      'limit',
    ]);
  });
});

describe('operations api without zones or dead-letter log', () => {
  it('admin api - zone, room and dead-letter routes answer 503 PLATFORM_UNAVAILABLE', async () => {
    const bare = await createTestApi({ repository: createInMemoryIdentityRepository() });
    try {
      const operations = createPlatformOperations({ sql, consumerGroup: 'bare', log });
      await registerApiScope(bare.app, {
        plugins: [platformRoutes({ identity: bare.identity, operations })],
        limiter: undefined,
        authorize: requestAuth(bare.identity).authorize,
      });
      await bare.identity.createAccount({ email: 'ops@example.com', password: GOOD_PASSWORD }, 'admin');
      const { tokens } = (await bare.identity.signIn({
        email: 'ops@example.com',
        password: GOOD_PASSWORD,
      })) as {
        tokens: { accessToken: string };
      };
      for (const [method, url] of [
        ['GET', '/api/v1/admin/zones'],
        ['POST', '/api/v1/admin/zones/a/drain'],
        ['GET', '/api/v1/admin/dead-letters'],
        ['GET', '/api/v1/admin/rooms'],
        ['POST', '/api/v1/admin/rooms/a/handoff'],
      ] as const) {
        const response = await bare.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${tokens.accessToken}` },
        });
        expect([url, response.statusCode, response.json().error.code]).toEqual([
          url,
          503,
          'PLATFORM_UNAVAILABLE',
        ]);
      }
    } finally {
      await bare.close();
    }
  });
});
