/**
 * @module Zone operations across processes. Each game process answers, over the RequestReply
 * port, `game.zones` (every process: its zones' status, a live player, a notice to all) and
 * `game.zone.<zoneId>` (only the owner: snapshots, restore, drain, restart, a zone notice);
 * {@link remoteZoneOperations} is the `ZoneOperations` a gateway or platform process calls. A
 * zone nobody owns is GAME_ZONE_UNKNOWN when game processes answer, EVLOG_RPC_NO_RESPONDER
 * (503, naming the game role) when none does.
 */
import { isRpcNoResponderError, type RequestReply, type Responder } from '@tickline/eventlog';
import {
  createBeatService,
  ServiceStatus,
  silentLogger,
  type Logger,
  type Service,
} from '@tickline/kernel';
import { z } from 'zod';
import { GameSnapshotError } from '../snapshots/snapshot-errors.ts';
import { parseRequest } from './rpc-requests.ts';
import type {
  LivePlayerState,
  Notice,
  ZoneOperations,
  ZoneSnapshotInfo,
  ZoneStatus,
} from './zone-operations.ts';

/** The service every game process answers. */
export const ZONES_SERVICE = 'game.zones';
/** The service the owner of `zoneId` answers. */
export const zoneService = (zoneId: string): string => `game.zone.${zoneId}`;
/** How often a responder follows the zones its process hosts (a failover adds some). */
export const ZONE_RESPONDER_SYNC_INTERVAL_MS = 1_000;
/** A drain waits for its players to leave and a final snapshot: longer than a read. */
const SLOW_OPERATION_TIMEOUT_MS = 15_000;
/** A hand-off also waits (up to 10 s) for a peer to take the zone. */
const HANDOFF_EXTRA_WAIT_MS = 10_000;
const ROLE = 'game';

const NoticeSchema = z.object({
  level: z.enum(['info', 'warn']),
  text: z.string().min(1).max(2_000),
  zoneId: z.string().optional(),
});

const AllZonesRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('zones') }),
  z.object({ op: z.literal('livePlayer'), playerId: z.string().min(1) }),
  z.object({ op: z.literal('broadcast'), notice: NoticeSchema }),
]);

const ZoneRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('listSnapshots') }),
  z.object({ op: z.literal('takeSnapshot') }),
  z.object({ op: z.literal('restoreSnapshot'), snapshotId: z.string().min(1) }),
  z.object({ op: z.literal('broadcast'), notice: NoticeSchema }),
  z.object({ op: z.literal('drain'), message: z.string() }),
  z.object({ op: z.literal('restart') }),
  z.object({ op: z.literal('handOff'), message: z.string() }),
]);

const parse = <T>(schema: z.ZodType<T>, body: unknown): T => parseRequest(schema, body, 'zone operation');

/** Options for {@link createZoneResponder}. */
export interface ZoneResponderOptions {
  rpc: RequestReply;
  /** The zones of this process. */
  operations: ZoneOperations;
  /** The ids of the zones this process hosts now. */
  zoneIds: () => readonly string[];
  /** @default ZONE_RESPONDER_SYNC_INTERVAL_MS */
  syncIntervalMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** The responder as a service: answers while started; `sync()` follows a change of zones now. */
export interface ZoneResponder extends Service {
  sync(): Promise<void>;
}

export function createZoneResponder(options: ZoneResponderOptions): ZoneResponder {
  const { rpc, operations: ops } = options;
  const logger = options.logger ?? silentLogger;
  const perZone = new Map<string, Responder>();
  let all: Responder | undefined;
  let syncing: Promise<void> | undefined;

  const answerAll = async (body: unknown): Promise<unknown> => {
    const request = parse(AllZonesRequest, body);
    switch (request.op) {
      case 'zones':
        return ops.zones();
      case 'livePlayer':
        return (await ops.livePlayer(request.playerId)) ?? null;
      case 'broadcast':
        return ops.broadcast({ level: request.notice.level, text: request.notice.text });
    }
  };
  const answerZone =
    (zoneId: string) =>
    async (body: unknown): Promise<unknown> => {
      const request = parse(ZoneRequest, body);
      switch (request.op) {
        case 'listSnapshots':
          return ops.listSnapshots(zoneId);
        case 'takeSnapshot':
          return ops.takeSnapshot(zoneId);
        case 'restoreSnapshot':
          return ops.restoreSnapshot(zoneId, request.snapshotId);
        case 'broadcast':
          return ops.broadcast({ level: request.notice.level, text: request.notice.text, zoneId });
        case 'drain':
          return ops.drain(zoneId, request.message);
        case 'restart':
          await ops.restart(zoneId);
          return { restarted: zoneId };
        case 'handOff':
          return ops.handOff(zoneId, request.message);
      }
    };

  async function reconcile(): Promise<void> {
    const wanted = new Set(options.zoneIds());
    for (const zoneId of wanted)
      if (!perZone.has(zoneId)) perZone.set(zoneId, await rpc.serve(zoneService(zoneId), answerZone(zoneId)));
    for (const [zoneId, responder] of perZone)
      if (!wanted.has(zoneId)) {
        perZone.delete(zoneId);
        await responder.close();
      }
  }
  const sync = (): Promise<void> => {
    syncing ??= reconcile()
      .catch((error: unknown) => logger.warn({ err: error }, 'zone responder sync failed'))
      .finally(() => (syncing = undefined));
    return syncing;
  };

  // Zones come and go (failover, restart): a kernel beat keeps one responder per local zone.
  const beat = createBeatService({
    name: 'game-zone-responder-sync',
    intervalMs: options.syncIntervalMs ?? ZONE_RESPONDER_SYNC_INTERVAL_MS,
    beat: sync,
  });

  return {
    name: 'game-zone-responder',
    sync,
    async start(context) {
      all = await rpc.serve(ZONES_SERVICE, answerAll);
      await reconcile();
      await beat.start(context);
    },
    async stop() {
      await beat.stop();
      await syncing;
      await all?.close();
      await Promise.all([...perZone.values()].map((r) => r.close()));
      perZone.clear();
    },
    health() {
      return { status: ServiceStatus.Up, info: { zones: [...perZone.keys()] } };
    },
  };
}

/** Options for {@link remoteZoneOperations}. */
export interface RemoteZoneOperationsOptions {
  /** Reads and snapshots. @default the port's default (2 s) */
  timeoutMs?: number;
}

/** `ZoneOperations` over every game process that answers on `rpc`. */
export function remoteZoneOperations(
  rpc: RequestReply,
  options: RemoteZoneOperationsOptions = {},
): ZoneOperations {
  const read = { role: ROLE, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
  const slow = { role: ROLE, timeoutMs: Math.max(SLOW_OPERATION_TIMEOUT_MS, options.timeoutMs ?? 0) };
  const zones = async (): Promise<ZoneStatus[]> => {
    const answers = (await rpc.gather(ZONES_SERVICE, { op: 'zones' }, read)) as ZoneStatus[][];
    return answers.flat().sort((a, b) => (a.zoneId < b.zoneId ? -1 : a.zoneId > b.zoneId ? 1 : 0));
  };
  /** Asks the zone's owner; when none answers but other game processes do, the zone is unknown. */
  async function ask<T>(zoneId: string, body: object, timing = read): Promise<T> {
    try {
      return (await rpc.request(zoneService(zoneId), body, timing)) as T;
    } catch (error) {
      if (!isRpcNoResponderError(error)) throw error;
      const known = await zones().catch(() => undefined);
      if (known && !known.some((z) => z.zoneId === zoneId))
        throw new GameSnapshotError('GAME_ZONE_UNKNOWN', `no game process hosts zone ${zoneId}`, {
          details: { zoneId },
        });
      throw error;
    }
  }
  return {
    zones,
    async livePlayer(playerId) {
      const answers = await rpc.gather(ZONES_SERVICE, { op: 'livePlayer', playerId }, read);
      return (answers.find((a) => a !== null) as LivePlayerState | undefined) ?? undefined;
    },
    listSnapshots: (zoneId) => ask<ZoneSnapshotInfo[]>(zoneId, { op: 'listSnapshots' }),
    takeSnapshot: (zoneId) => ask<ZoneSnapshotInfo>(zoneId, { op: 'takeSnapshot' }, slow),
    restoreSnapshot: (zoneId, snapshotId) =>
      ask<{ snapshotId: string; tick: number; players: number }>(
        zoneId,
        { op: 'restoreSnapshot', snapshotId },
        slow,
      ),
    async broadcast(notice: Notice) {
      if (notice.zoneId !== undefined) return ask(notice.zoneId, { op: 'broadcast', notice });
      const answers = (await rpc.gather(ZONES_SERVICE, { op: 'broadcast', notice }, read)) as Array<{
        zones: number;
        players: number;
      }>;
      return answers.reduce((sum, a) => ({ zones: sum.zones + a.zones, players: sum.players + a.players }), {
        zones: 0,
        players: 0,
      });
    },
    drain: (zoneId, message) => ask<{ playersTold: number }>(zoneId, { op: 'drain', message }, slow),
    // The owner answers once a peer took the zone (or its wait ended): longer than other changes.
    handOff: (zoneId, message) =>
      ask(zoneId, { op: 'handOff', message }, { ...slow, timeoutMs: slow.timeoutMs + HANDOFF_EXTRA_WAIT_MS }),
    async restart(zoneId) {
      await ask(zoneId, { op: 'restart' }, slow);
    },
  };
}
