/** @module `tickline rooms` over the operations API: the calls and their text. */
import type { AdminRoom, AdminRoomDetail, AdminRoomReplay, HandedOff } from '@tickline/protocol';
import { apiClient } from '../api/api-client.ts';
import { print, type ApiCommandOptions } from '../api/api-command.ts';
import { badArgument as bad } from '../cli-errors.ts';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';

const room = (id: string) => `/admin/rooms/${encodeURIComponent(id)}`;

function wholeNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw bad(`--${name} takes a whole number, not ${text}`);
  return n;
}

export function formatRooms(rooms: readonly AdminRoom[]): string {
  if (rooms.length === 0) return 'no rooms\n';
  const rows = rooms.map((r) => [
    r.roomId,
    r.game,
    `${r.players}/${r.maxPlayers}`,
    r.private ? `private ${r.code ?? ''}`.trim() : 'public',
    String(r.tick),
    r.closed ? 'closed' : 'open',
    r.createdAt,
  ]);
  return `${alignColumns(['room', 'game', 'players', 'access', 'tick', 'state', 'created'], rows).join('\n')}\n`;
}

export function formatRoom(detail: AdminRoomDetail): string {
  const seats = detail.seats.map((s) => [
    s.playerId,
    s.joined ? 'in' : 'joining',
    s.connected ? 'connected' : 'in grace',
    s.mutedUntil ? `muted until ${s.mutedUntil}` : '',
  ]);
  return [
    `${detail.roomId}  ${detail.game} v${detail.gameVersion}  tick ${detail.tick}  ${detail.closed ? 'closed' : 'open'}`,
    '',
    ...(seats.length ? alignColumns(['player', 'seat', 'link', 'mute'], seats) : ['no players']),
    '',
    `room: ${JSON.stringify(detail.state.room)}`,
    ...Object.entries(detail.state.entities).map(([id, values]) => `${id}: ${JSON.stringify(values)}`),
    '',
  ].join('\n');
}

export function formatReplay(replay: AdminRoomReplay): string {
  const rows = replay.messages.map((m) =>
    m.kind === 'frame'
      ? [String(m.tick), 'frame', m.ack !== undefined && m.ack >= 0 ? `ack ${m.ack}` : '', `${Buffer.from(m.frame ?? '', 'base64').length} B`]
      : [String(m.tick), 'reject', `seq ${m.seq}`, `${m.reason}${m.message ? `: ${m.message}` : ''}`],
  );
  return [
    `${replay.roomId} (${replay.game} v${replay.gameVersion}) as ${replay.playerId} saw it, ticks ${replay.fromTick}–${replay.toTick} (logged through ${replay.loggedThroughTick})`,
    ...(rows.length ? alignColumns(['tick', 'message', 'answer', 'detail'], rows) : ['nothing was sent to the player in this window']),
    '',
  ].join('\n');
}

export async function roomsList(io: CliIo, o: ApiCommandOptions & { game?: string }): Promise<void> {
  const query = o.game === undefined ? '' : `?game=${encodeURIComponent(o.game)}`;
  const { rooms } = await apiClient(io, o)<{ rooms: AdminRoom[] }>('GET', `/admin/rooms${query}`);
  print(io, o, rooms, () => formatRooms(rooms));
}

export async function roomsShow(io: CliIo, roomId: string, o: ApiCommandOptions): Promise<void> {
  const detail = await apiClient(io, o)<AdminRoomDetail>('GET', room(roomId));
  print(io, o, detail, () => formatRoom(detail));
}

export async function roomsKick(io: CliIo, roomId: string, playerId: string, o: ApiCommandOptions & { reason: string }): Promise<void> {
  const done = await apiClient(io, o)('POST', `${room(roomId)}/kick`, { playerId, reason: o.reason });
  print(io, o, done, () => `${playerId} removed from ${roomId}\n`);
}

export async function roomsMute(io: CliIo, roomId: string, playerId: string, o: ApiCommandOptions & { minutes: string }): Promise<void> {
  const minutes = wholeNumber('minutes', o.minutes)!;
  const done = await apiClient(io, o)<{ until: string }>('POST', `${room(roomId)}/mute`, { playerId, minutes });
  print(io, o, done, () => (done.until ? `${playerId} muted in ${roomId} until ${done.until}\n` : `${playerId}'s mute lifted\n`));
}

export async function roomsMessage(io: CliIo, roomId: string, playerId: string, text: string, o: ApiCommandOptions & { warn?: boolean }): Promise<void> {
  const done = await apiClient(io, o)('POST', `${room(roomId)}/message`, { playerId, text, level: o.warn ? 'warn' : 'info' });
  print(io, o, done, () => `told ${playerId}\n`);
}

export async function roomsBan(io: CliIo, playerId: string, o: ApiCommandOptions & { minutes: string; reason: string }): Promise<void> {
  const minutes = wholeNumber('minutes', o.minutes)!;
  const done = await apiClient(io, o)<{ until: string | null; removedFrom: string[] }>('POST', '/admin/room-bans', {
    playerId,
    minutes,
    reason: o.reason,
  });
  print(io, o, done, () =>
    done.until
      ? `${playerId} banned from rooms until ${done.until}${done.removedFrom.length ? ` (removed from ${done.removedFrom.join(', ')})` : ''}\n`
      : `${playerId}'s ban lifted\n`,
  );
}

export async function roomsHandOff(io: CliIo, roomId: string, o: ApiCommandOptions & { message?: string }): Promise<void> {
  const done = await apiClient(io, o)<HandedOff>(
    'POST',
    `${room(roomId)}/handoff`,
    o.message === undefined ? {} : { message: o.message },
  );
  print(io, o, done, () =>
    done.to
      ? `${roomId} handed off from ${done.from} to ${done.to} (${done.playersTold} players told, snapshot ${done.snapshotId})\n`
      : `${roomId} let go by ${done.from} (${done.playersTold} players told, snapshot ${done.snapshotId}); no peer took it yet\n`,
  );
}

export async function roomsReplay(io: CliIo, roomId: string, playerId: string, o: ApiCommandOptions & { from?: string; to?: string }): Promise<void> {
  const params = new URLSearchParams({ player: playerId });
  const from = wholeNumber('from', o.from);
  const to = wholeNumber('to', o.to);
  if (from !== undefined) params.set('fromTick', String(from));
  if (to !== undefined) params.set('toTick', String(to));
  const replay = await apiClient(io, o)<AdminRoomReplay>('GET', `${room(roomId)}/replay?${params}`);
  print(io, o, replay, () => formatReplay(replay));
}
