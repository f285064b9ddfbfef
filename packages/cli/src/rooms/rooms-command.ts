/**
 * @module `tickline rooms`: moderation and replay of rules rooms on a running server (admins), over
 * its operations API: list by game, show a room's live state, kick, mute, message, ban, replay,
 * hand a room off to another game process.
 */
import type { Command } from 'commander';
import { apiAction, apiOptions, type ApiCommandOptions } from '../api/api-command.ts';
import type { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';

const actions = () => import('./rooms-actions.ts');

export function registerRoomsCommand(program: Command, io: CliIo, setExitCode: (code: ExitCode) => void): void {
  const r = program.command('rooms').description('moderate and replay rules rooms (admins)');
  const act = <O extends ApiCommandOptions, A extends unknown[]>(body: (o: O, ...args: A) => Promise<void>) =>
    apiAction(io, setExitCode, body);
  apiOptions(r.command('list').description('rooms on every game process, private ones too'))
    .option('--game <name>', 'only rooms of this game')
    .action(act(async (o: ApiCommandOptions & { game?: string }) => (await actions()).roomsList(io, o)));
  apiOptions(r.command('show <roomId>').description("a room's seats and live state")).action(
    act(async (o, roomId: string) => (await actions()).roomsShow(io, roomId, o)),
  );
  apiOptions(r.command('kick <roomId> <playerId>').description('remove a player from the room'))
    .requiredOption('--reason <text>', 'told to the player and kept in the audit')
    .action(
      act(async (o: ApiCommandOptions & { reason: string }, roomId: string, playerId: string) =>
        (await actions()).roomsKick(io, roomId, playerId, o),
      ),
    );
  apiOptions(r.command('mute <roomId> <playerId>').description("refuse the player's commands for a while"))
    .requiredOption('--minutes <n>', 'how long (0 lifts the mute)')
    .action(
      act(async (o: ApiCommandOptions & { minutes: string }, roomId: string, playerId: string) =>
        (await actions()).roomsMute(io, roomId, playerId, o),
      ),
    );
  apiOptions(r.command('message <roomId> <playerId> <text>').description('a notice to one player of the room'))
    .option('--warn', 'as a warning')
    .action(
      act(async (o: ApiCommandOptions & { warn?: boolean }, roomId: string, playerId: string, text: string) =>
        (await actions()).roomsMessage(io, roomId, playerId, text, o),
      ),
    );
  apiOptions(r.command('ban <playerId>').description('ban a player from every room for a while'))
    .requiredOption('--minutes <n>', 'how long (0 lifts the ban)')
    .requiredOption('--reason <text>', 'told to the player and kept in the audit')
    .action(
      act(async (o: ApiCommandOptions & { minutes: string; reason: string }, playerId: string) =>
        (await actions()).roomsBan(io, playerId, o),
      ),
    );
  apiOptions(
    r
      .command('handoff <roomId>')
      .description('move the room to another game process; its players resume there (needs Redis and failover)'),
  )
    .option('--message <text>', "what the room's players are told")
    .action(
      act(async (o: ApiCommandOptions & { message?: string }, roomId: string) =>
        (await actions()).roomsHandOff(io, roomId, o),
      ),
    );
  apiOptions(
    r
      .command('replay <roomId> <playerId>')
      .description("rebuild a window of the room from its log, as the player saw it: its frames, acks and rejections"),
  )
    .option('--from <tick>', 'first tick of the window')
    .option('--to <tick>', 'last tick of the window')
    .action(
      act(async (o: ApiCommandOptions & { from?: string; to?: string }, roomId: string, playerId: string) =>
        (await actions()).roomsReplay(io, roomId, playerId, o),
      ),
    );
}
