/**
 * @module Room operations across processes. Every game process answers `game.rooms` (its rooms'
 * list; for a room-scoped call, the answer of the process holding the room, null from the others;
 * a ban, on each) and, in one queue group, `game.rooms.replay` (any process that loads the game
 * replays from the shared log). {@link remoteRoomOperations} is the `RoomOperations` the
 * platform's operations API calls on any process.
 */
import type { RequestReply, Responder } from '@tickline/eventlog';
import { ServiceStatus, type Service } from '@tickline/kernel';
import { z } from 'zod';
import type { HandOffResult } from '../module/game-host-types.ts';
import {
  unknownRoom,
  type LocalRoomOperations,
  type RoomAdminSummary,
  type RoomInspection,
  type RoomOperations,
  type RoomReplay,
} from './room-operations.ts';
import { answerOrRefusal, holderAnswer, parseRequest } from './rpc-requests.ts';

export const ROOMS_SERVICE = 'game.rooms';
export const ROOM_REPLAY_SERVICE = 'game.rooms.replay';
const ROLE = 'game';
/** A replay re-runs a room's ticks: longer than a read. */
const REPLAY_TIMEOUT_MS = 30_000;
/** A hand-off waits for a peer to take the room (game-host.ts HANDOFF_WAIT_MS), then answers. */
const HANDOFF_TIMEOUT_MS = 25_000;

const Id = z.string().min(1).max(128);
const RoomsRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('rooms'), game: z.string().max(32).optional() }),
  z.object({ op: z.literal('inspect'), roomId: Id }),
  z.object({ op: z.literal('kick'), roomId: Id, playerId: Id, reason: z.string().max(500) }),
  z.object({ op: z.literal('mute'), roomId: Id, playerId: Id, minutes: z.number().min(0) }),
  z.object({ op: z.literal('message'), roomId: Id, playerId: Id, level: z.enum(['info', 'warn']), text: z.string().min(1).max(2_000) }),
  // untilMs: the instant the caller chose, so every process holds the same ban (each reading its own
  // clock made them differ by the time the request took to reach it).
  z.object({
    op: z.literal('ban'),
    playerId: Id,
    minutes: z.number().min(0),
    reason: z.string().max(500),
    untilMs: z.number().int().min(0).optional(),
  }),
  z.object({ op: z.literal('bans') }),
  z.object({ op: z.literal('handoff'), roomId: Id, message: z.string().min(1).max(2_000) }),
]);
const Bans = z.array(z.tuple([Id, z.number()]));
const ReplayRequest = z.object({
  roomId: Id,
  playerId: Id,
  fromTick: z.number().int().min(0).optional(),
  toTick: z.number().int().min(0).optional(),
});

/** Serves this process's rooms to operators on any process. */
export function createRoomResponder(rpc: RequestReply, local: LocalRoomOperations): Service {
  let responders: Responder[] = [];
  // The holder's refusal travels as an answer (rpc-requests.ts).
  const answer = (body: unknown): Promise<unknown> => answerOrRefusal(() => act(body));
  const act = (body: unknown): unknown => {
    const request = parseRequest(RoomsRequest, body, 'room operation');
    switch (request.op) {
      case 'rooms':
        return local.rooms(request.game);
      case 'inspect':
        return local.inspect(request.roomId) ?? null;
      case 'kick':
        return local.kick(request.roomId, request.playerId, request.reason) ?? null;
      case 'mute':
        return local.mute(request.roomId, request.playerId, request.minutes) ?? null;
      case 'message':
        return local.message(request.roomId, request.playerId, request.level, request.text) ?? null;
      case 'ban':
        return local.ban(request.playerId, request.minutes, request.reason, request.untilMs);
      case 'bans':
        return local.bans();
      case 'handoff':
        return local.handOff(request.roomId, request.message).then((done) => done ?? null);
    }
  };
  return {
    name: 'game-room-responder',
    async start() {
      responders = [
        await rpc.serve(ROOMS_SERVICE, answer),
        await rpc.serve(ROOM_REPLAY_SERVICE, (body) => local.replay(parseRequest(ReplayRequest, body, 'room replay')), { group: 'replay' }),
      ];
      // Bans live in the game processes' memory: one starting takes those of the processes running.
      const answers = await rpc.gather(ROOMS_SERVICE, { op: 'bans' }, { role: ROLE }).catch(() => []);
      for (const answer of answers) {
        const bans = Bans.safeParse(answer);
        if (bans.success) local.adoptBans(bans.data);
      }
    },
    async stop() {
      await Promise.all(responders.map((r) => r.close()));
      responders = [];
    },
    health: () => ({ status: ServiceStatus.Up }),
  };
}

/** `RoomOperations` over every game process that answers on `rpc`. */
export function remoteRoomOperations(rpc: RequestReply): RoomOperations {
  const options = { role: ROLE };
  /** Asks every process; the one holding the room answers, the rest null. */
  async function owner<T>(roomId: string, body: object, slowMs?: number): Promise<T> {
    const answers = await rpc.gather(ROOMS_SERVICE, body, {
      ...options,
      // A slow answer (a hand-off waits for a peer) comes long after the others' nulls: wait for it.
      ...(slowMs === undefined ? {} : { timeoutMs: slowMs, stallMs: slowMs }),
      until: (a) => a !== null,
    });
    const found = holderAnswer<T>(answers);
    if (found === undefined) throw unknownRoom(roomId);
    return found;
  }
  return {
    async rooms(game) {
      const answers = (await rpc.gather(ROOMS_SERVICE, { op: 'rooms', ...(game === undefined ? {} : { game }) }, options)) as RoomAdminSummary[][];
      return answers.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.roomId.localeCompare(b.roomId));
    },
    inspect: (roomId) => owner<RoomInspection>(roomId, { op: 'inspect', roomId }),
    kick: (roomId, playerId, reason) => owner(roomId, { op: 'kick', roomId, playerId, reason }),
    mute: (roomId, playerId, minutes) => owner(roomId, { op: 'mute', roomId, playerId, minutes }),
    message: (roomId, playerId, level, text) => owner(roomId, { op: 'message', roomId, playerId, level, text }),
    async ban(playerId, minutes, reason) {
      const untilMs = minutes > 0 ? Date.now() + minutes * 60_000 : 0;
      const answers = (await rpc.gather(ROOMS_SERVICE, { op: 'ban', playerId, minutes, reason, untilMs }, options)) as Array<{
        until: string | null;
        removedFrom: string[];
      }>;
      return { playerId, until: answers[0]?.until ?? null, removedFrom: answers.flatMap((a) => a.removedFrom) };
    },
    async handOff(roomId, message) {
      // Known first (quickly: GAME_ROOM_UNKNOWN at once), then the holder's slow answer awaited.
      await owner(roomId, { op: 'inspect', roomId });
      return owner<HandOffResult>(roomId, { op: 'handoff', roomId, message }, HANDOFF_TIMEOUT_MS);
    },
    replay: (request) =>
      rpc.request(ROOM_REPLAY_SERVICE, request, { ...options, timeoutMs: REPLAY_TIMEOUT_MS }) as Promise<RoomReplay>,
  };
}
