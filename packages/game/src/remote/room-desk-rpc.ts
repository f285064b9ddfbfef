/**
 * @module Rooms on demand through a gateway. Every game process answers `game.rooms.desk` (its
 * load, its public rooms, a ticket for a room it holds — null from the others) and its own
 * `game.rooms.desk.<process>` (make a room here, a ticket by game type here); tickets carry the
 * process's absolute addresses. {@link remoteRoomDesk} is the gateway's desk: a new room goes to
 * the least loaded process that runs the game; a join by game type goes where the game has an open
 * seat or waiting players, else to the least loaded.
 */
import { randomBytes } from 'node:crypto';
import type { RequestReply, Responder } from '@tickline/eventlog';
import { ServiceStatus, TicklineError, type Service } from '@tickline/kernel';
import { GameCloseCode as CloseCode, type GameRoom, type RoomTicket } from '@tickline/protocol';
import { z } from 'zod';
import type { CreatedAtDesk, DeskLoad, LocalRoomDesk, RoomDesk } from '../module/room-desk.ts';
import { RejectReason } from '../zone/errors.ts';
import { GameSessionError } from '../protocol/session-error.ts';
import { answerOrRefusal, holderAnswer, parseRequest } from './rpc-requests.ts';

export const ROOM_DESK_SERVICE = 'game.rooms.desk';
/** The desk of one game process. */
export const roomDeskAt = (processId: string): string => `${ROOM_DESK_SERVICE}.${processId}`;
const ROLE = 'game';

const Caller = z.object({ userId: z.string().min(1), sessionVersion: z.number().int().optional() });
const Target = z.object({
  room: z.string().max(64).optional(),
  code: z.string().max(16).optional(),
  game: z.string().max(32).optional(),
});
const DeskRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('load') }),
  z.object({ op: z.literal('list'), game: z.string().max(32).optional() }),
  z.object({ op: z.literal('ticket'), caller: Caller, target: Target }),
]);
const ProcessRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('create'), caller: Caller, game: z.string().min(1).max(32), private: z.boolean() }),
  z.object({ op: z.literal('ticket'), caller: Caller, target: Target }),
]);

type ProcessLoad = DeskLoad & { processId: string };

/** Answers gateways for this process's rooms. */
export function createRoomDeskResponder(rpc: RequestReply, desk: LocalRoomDesk): Service {
  const processId = randomBytes(6).toString('hex');
  let responders: Responder[] = [];
  const shared = async (body: unknown): Promise<unknown> => {
    const request = parseRequest(DeskRequest, body, 'room desk');
    switch (request.op) {
      case 'load':
        return { processId, ...desk.load() } satisfies ProcessLoad;
      case 'list':
        return desk.list(request.game);
      case 'ticket':
        if (!desk.serves(request.target)) return null;
        // The holder's refusal (a ban) must reach the caller: it travels as an answer.
        return answerOrRefusal(() => desk.ticket(request.caller, request.target));
    }
  };
  const own = async (body: unknown): Promise<unknown> => {
    const request = parseRequest(ProcessRequest, body, 'room desk');
    return request.op === 'create'
      ? desk.create(request.caller, request.game, request.private)
      : desk.ticket(request.caller, request.target);
  };
  return {
    name: 'game-room-desk',
    async start() {
      responders = [await rpc.serve(ROOM_DESK_SERVICE, shared), await rpc.serve(roomDeskAt(processId), own)];
    },
    async stop() {
      await Promise.all(responders.map((r) => r.close()));
      responders = [];
    },
    health: () => ({ status: ServiceStatus.Up, info: { processId } }),
  };
}

/** The least loaded of `loads` that runs `game`, preferring one where the game has a seat or waiting players. */
function placeFor(loads: ProcessLoad[], game: string, matchmaking: boolean): ProcessLoad {
  const candidates = loads.filter((l) => l.games.includes(game));
  if (candidates.length === 0)
    throw new TicklineError(RejectReason.UnknownGame, `no game process runs ${game.slice(0, 64)}`, {
      details: { game: game.slice(0, 64) },
    });
  const lighter = (a: ProcessLoad, b: ProcessLoad) => a.rooms / Math.max(1, a.maxRooms) - b.rooms / Math.max(1, b.maxRooms);
  if (matchmaking) {
    // Players matched on different processes would never meet: go where the game's players are.
    const waiting = candidates.filter((l) => (l.open[game]?.freeSeats ?? 0) > 0 || (l.open[game]?.queued ?? 0) > 0);
    if (waiting.length > 0) return waiting.sort(lighter)[0]!;
  }
  return candidates.sort(lighter)[0]!;
}

/** The gateway's desk: every game process over `rpc`. */
export function remoteRoomDesk(rpc: RequestReply): RoomDesk {
  const options = { role: ROLE };
  const loads = async () => (await rpc.gather(ROOM_DESK_SERVICE, { op: 'load' }, options)) as ProcessLoad[];
  return {
    async create(caller, game, isPrivate) {
      const at = placeFor(await loads(), game, false);
      return (await rpc.request(roomDeskAt(at.processId), { op: 'create', caller, game, private: isPrivate }, options)) as CreatedAtDesk;
    },
    async list(game) {
      const answers = (await rpc.gather(ROOM_DESK_SERVICE, { op: 'list', ...(game === undefined ? {} : { game }) }, options)) as GameRoom[][];
      return answers.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.room.localeCompare(b.room));
    },
    async ticket(caller, target) {
      if (target.game !== undefined) {
        const at = placeFor(await loads(), target.game, true);
        return (await rpc.request(roomDeskAt(at.processId), { op: 'ticket', caller, target }, options)) as RoomTicket;
      }
      const answers = await rpc.gather(ROOM_DESK_SERVICE, { op: 'ticket', caller, target }, { ...options, until: (a) => a !== null });
      const found = holderAnswer<RoomTicket>(answers);
      if (found === undefined)
        throw new GameSessionError(CloseCode.RoomUnknown, 'no such room (a private room is joined by its code)');
      return found;
    },
  };
}
