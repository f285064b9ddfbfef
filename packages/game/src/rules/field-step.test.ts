/**
 * A float field's `step`: frames carry its value rounded to the step, in 32 bits (exact for such
 * values), while the room keeps the whole value; a step that cannot be exact in 32 bits, or on a
 * command's field, is refused at load.
 */
import { decodeRoomFrame, encodeRoomFrame } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { gameProblem } from './check-game.ts';
import { field } from './fields.ts';
import { RulesRoom } from './rules-room.ts';
import { accept, defineGame } from './types.ts';

function walkers(step: number | undefined) {
  return defineGame({
    name: 'walkers',
    version: 1,
    players: { min: 1, max: 4 },
    state: { room: {}, entity: { x: field.float(0, 1000, { step }), hp: field.int(0, 100) } },
    commands: { go: { x: field.float(0, 1000) } },
    reasons: {},
    init: () => ({}),
    join(state, playerId) {
      state.entities.set(playerId, { x: 0, hp: 100 });
      return accept();
    },
    leave() {},
    command(state, playerId, command) {
      state.entities.set(playerId, { ...state.entities.get(playerId)!, x: command.x });
      return accept();
    },
  });
}

function frameAfterMove(step: number | undefined, x: number) {
  const room = new RulesRoom({ game: walkers(step), roomId: 'w' });
  room.enqueue({ kind: 'join', playerId: 'ann', seq: 0 });
  room.step();
  room.enqueue({ kind: 'command', playerId: 'ann', seq: 1, command: { type: 'go', x } });
  const bytes = room.step().frame!;
  return { room, bytes, frame: decodeRoomFrame(bytes) };
}

describe('rules - a float field sent at its step', () => {
  it('frames carry the value rounded to the step, 4 bytes smaller; the room keeps it whole', () => {
    const x = 523.7234987;
    const stepped = frameAfterMove(1 / 64, x);
    expect(stepped.frame.e).toEqual([0, [1, 523.71875]]); // ann by its handle, x by its index (mask 1)
    expect(stepped.room.state.entities.get('ann')!.x).toBe(x);
    const whole = frameAfterMove(undefined, x);
    expect(whole.frame.e).toEqual([0, [1, x]]);
    expect(whole.bytes.length - stepped.bytes.length).toBe(4);
    // Any MessagePack reader reads the same frame as the protocol's own encoding of it.
    expect(decodeRoomFrame(encodeRoomFrame(stepped.frame))).toEqual(stepped.frame);
  });

  it('a move smaller than half a step sends nothing', () => {
    const room = new RulesRoom({ game: walkers(1 / 4), roomId: 'w' });
    room.enqueue({ kind: 'join', playerId: 'ann', seq: 0 });
    room.step();
    room.enqueue({ kind: 'command', playerId: 'ann', seq: 1, command: { type: 'go', x: 0.1 } });
    expect(room.step().frame).toBeUndefined();
    room.enqueue({ kind: 'command', playerId: 'ann', seq: 2, command: { type: 'go', x: 0.2 } });
    expect(decodeRoomFrame(room.step().frame!).e).toEqual([0, [1, 0.25]]);
  });

  it('a step not a power of two, too fine for the bounds, or on a command is refused at load', () => {
    expect(gameProblem(walkers(0.1))).toMatch(/state\.entity\.x needs a step that is a power of two/);
    expect(gameProblem(walkers(2 ** -20))).toMatch(/state\.entity\.x needs \|min\| and \|max\| within step/);
    expect(gameProblem(walkers(1 / 64))).toBeUndefined();
    const onCommand = { ...walkers(undefined), commands: { go: { x: field.float(0, 1, { step: 1 / 4 }) } } };
    expect(gameProblem(onCommand)).toMatch(/commands\.go\.x cannot have a step/);
  });
});
