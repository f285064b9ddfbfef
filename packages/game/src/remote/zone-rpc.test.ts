import { createInProcessRequestReply, type RequestReply } from '@tickline/eventlog';
import { TicklineError } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZoneOperations, ZoneStatus } from './zone-operations.ts';
import { createZoneResponder, remoteZoneOperations, type ZoneResponder } from './zone-rpc.ts';

/** A process's zones as plain data, recording what operators did to them. */
function processZones(zoneIds: string[], calls: string[]): ZoneOperations {
  const status = (zoneId: string): ZoneStatus => ({
    zoneId,
    ccu: 1,
    tick: 10,
    tickP50Ms: 1,
    tickP99Ms: 2,
    overruns: 0,
    health: 'ok',
  });
  const known = (zoneId: string) => {
    if (!zoneIds.includes(zoneId)) throw new TicklineError('GAME_ZONE_UNKNOWN', `not here: ${zoneId}`);
  };
  return {
    zones: async () => zoneIds.map(status),
    livePlayer: async (playerId) =>
      playerId === `p-${zoneIds[0]}` ? { zoneId: zoneIds[0]!, x: 1, y: 2, tick: 10 } : undefined,
    listSnapshots: async (zoneId) => (known(zoneId), []),
    takeSnapshot: async (zoneId) => {
      known(zoneId);
      calls.push(`snapshot ${zoneId}`);
      return { id: `s-${zoneId}`, zoneId, kind: 'manual', tick: 10, players: 1, takenAt: 5, size: 9 };
    },
    restoreSnapshot: async (zoneId, snapshotId) => {
      calls.push(`restore ${zoneId} ${snapshotId}`);
      if (snapshotId === 'missing') throw new TicklineError('GAME_SNAPSHOT_NOT_FOUND', 'no such snapshot');
      return { snapshotId, tick: 10, players: 1 };
    },
    broadcast: async (notice) => {
      calls.push(`notice ${notice.zoneId ?? '*'} ${notice.text}`);
      return { zones: notice.zoneId ? 1 : zoneIds.length, players: 1 };
    },
    drain: async (zoneId) => (calls.push(`drain ${zoneId}`), { playersTold: 1 }),
    restart: async (zoneId) => void calls.push(`restart ${zoneId}`),
    handOff: async (zoneId, message) => (
      calls.push(`handOff ${zoneId} ${message}`),
      { playersTold: 1, snapshotId: `s-${zoneId}`, from: 'a/1', to: 'b/2' }
    ),
  };
}

const started: ZoneResponder[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

async function serve(rpc: RequestReply, zoneIds: string[], calls: string[]) {
  const responder = createZoneResponder({
    rpc,
    operations: processZones(zoneIds, calls),
    zoneIds: () => zoneIds,
  });
  await responder.start({} as never);
  started.push(responder);
  return responder;
}

describe('zone rpc', () => {
  it('zones - the zones of every game process, in one list', async () => {
    const rpc = createInProcessRequestReply();
    await serve(rpc, ['b-1'], []);
    await serve(rpc, ['a-1', 'a-2'], []);
    const remote = remoteZoneOperations(rpc);
    expect((await remote.zones()).map((z) => z.zoneId)).toEqual(['a-1', 'a-2', 'b-1']);
    expect(await remote.livePlayer('p-b-1')).toEqual({ zoneId: 'b-1', x: 1, y: 2, tick: 10 });
    expect(await remote.livePlayer('nobody')).toBeUndefined();
  });

  it('operations - reach only the process that owns the zone, errors keep their code', async () => {
    const rpc = createInProcessRequestReply();
    const a: string[] = [];
    const b: string[] = [];
    await serve(rpc, ['a-1'], a);
    await serve(rpc, ['b-1'], b);
    const remote = remoteZoneOperations(rpc);
    expect(await remote.takeSnapshot('b-1')).toMatchObject({ id: 's-b-1', zoneId: 'b-1' });
    expect(await remote.restoreSnapshot('b-1', 's-b-1')).toEqual({
      snapshotId: 's-b-1',
      tick: 10,
      players: 1,
    });
    await expect(remote.restoreSnapshot('a-1', 'missing')).rejects.toMatchObject({
      code: 'GAME_SNAPSHOT_NOT_FOUND',
    });
    await remote.drain('a-1', 'bye');
    await remote.restart('a-1');
    expect(await remote.handOff('a-1', 'moving')).toEqual({
      playersTold: 1,
      snapshotId: 's-a-1',
      from: 'a/1',
      to: 'b/2',
    });
    expect(await remote.broadcast({ level: 'info', text: 'hi' })).toEqual({ zones: 2, players: 2 });
    expect(a).toEqual(['restore a-1 missing', 'drain a-1', 'restart a-1', 'handOff a-1 moving', 'notice * hi']);
    expect(b).toEqual(['snapshot b-1', 'restore b-1 s-b-1', 'notice * hi']);
  });

  it('unknown zone - GAME_ZONE_UNKNOWN while game processes answer; a 503 naming the role when none does', async () => {
    const rpc = createInProcessRequestReply();
    const responder = await serve(rpc, ['a-1'], []);
    const remote = remoteZoneOperations(rpc);
    await expect(remote.takeSnapshot('zz')).rejects.toMatchObject({ code: 'GAME_ZONE_UNKNOWN' });
    await responder.stop();
    const error = await remote.takeSnapshot('a-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EVLOG_RPC_NO_RESPONDER', details: { role: 'game' } });
    await expect(remote.zones()).rejects.toMatchObject({ code: 'EVLOG_RPC_NO_RESPONDER' });
  });

  it('sync - a zone this process takes over is answered after the next sync', async () => {
    const rpc = createInProcessRequestReply();
    const zoneIds = ['a-1'];
    const calls: string[] = [];
    const responder = createZoneResponder({
      rpc,
      operations: processZones(zoneIds, calls),
      zoneIds: () => zoneIds,
    });
    await responder.start({} as never);
    started.push(responder);
    zoneIds.push('a-2');
    await responder.sync();
    await remoteZoneOperations(rpc).drain('a-2', 'bye');
    expect(calls).toEqual(['drain a-2']);
  });

  it('malformed - a request of the wrong shape is GAME_MALFORMED', async () => {
    const rpc = createInProcessRequestReply();
    await serve(rpc, ['a-1'], []);
    await expect(rpc.request('game.zone.a-1', { op: 'explode' })).rejects.toMatchObject({
      code: 'GAME_MALFORMED',
    });
  });
});
