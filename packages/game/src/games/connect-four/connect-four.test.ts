import { ManualClock, type EventDefinition } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { checkGame, decodeRoomFrame, RoomView, RulesRoom, SeededRandom, type RoomState, type RulesContext } from '../../rules/index.ts';
import { COLUMNS, connectFour, winsAt } from './connect-four.ts';

type State = RoomState<typeof connectFour.state.room, typeof connectFour.state.entity>;

/** The game driven through its handlers alone, as the rules API defines them (no engine). */
function table(seed = 7) {
  const emitted: { type: string; data: unknown }[] = [];
  const random = new SeededRandom(seed);
  const ctx = (players: string[]): RulesContext => ({
    roomId: 'c4',
    tick: 1,
    ticks: 1,
    elapsedMs: 50,
    seq: 1,
    nowMs: 0,
    tickMs: 50,
    players,
    random,
    emit: (e: EventDefinition<unknown>, data: unknown) => void emitted.push({ type: e.type, data }),
  });
  const state: State = { room: connectFour.init(ctx([])), entities: new Map() };
  const ids = (): string[] => [...state.entities.keys()];
  return {
    state,
    emitted,
    join: (id: string) => connectFour.join(state, id, ctx(ids())),
    leave: (id: string) => connectFour.leave(state, id, ctx(ids())),
    drop: (id: string, column: number) => connectFour.command(state, id, { type: 'drop', column }, ctx(ids())),
    rematch: (id: string) => connectFour.command(state, id, { type: 'rematch' }, ctx(ids())),
    /** The player to move. */
    toMove: () => ids().find((id) => state.entities.get(id)!.seat === state.room.turn)!,
  };
}

/** A game of two where the first mover stacks column 0 and the other column 1: the first wins on its 4th piece. */
function playVerticalWin(t: ReturnType<typeof table>): { winner: string; loser: string } {
  const winner = t.toMove();
  const loser = [...t.state.entities.keys()].find((id) => id !== winner)!;
  for (let i = 0; i < 3; i++) {
    expect(t.drop(winner, 0)).toEqual({ accepted: true });
    expect(t.drop(loser, 1)).toEqual({ accepted: true });
  }
  expect(t.drop(winner, 0)).toEqual({ accepted: true });
  return { winner, loser };
}

describe('connect four - through the rules API', () => {
  it('fits the rules API', () => {
    expect(checkGame(connectFour, 'games/connect-four/connect-four.ts').name).toBe('connect-four');
  });

  it('waits for two players, then one of them (by lot) opens', () => {
    const t = table();
    t.join('ann');
    expect(t.state.room.status).toBe('waiting');
    expect(t.drop('ann', 3)).toEqual({ accepted: false, reason: 'C4_NOT_PLAYING' });
    t.join('bob');
    expect(t.state.room).toMatchObject({ status: 'playing', round: 1 });
    expect([1, 2]).toContain(t.state.room.turn);
  });

  it('refuses a move out of turn and a full column', () => {
    const t = table();
    t.join('ann');
    t.join('bob');
    const first = t.toMove();
    const second = first === 'ann' ? 'bob' : 'ann';
    expect(t.drop(second, 0)).toEqual({ accepted: false, reason: 'C4_NOT_YOUR_TURN' });
    for (let i = 0; i < 6; i++) t.drop(t.toMove(), 2);
    expect(t.drop(t.toMove(), 2)).toEqual({ accepted: false, reason: 'C4_COLUMN_FULL' });
  });

  it('a line of four wins the round, counts a win and ends with an event', () => {
    const t = table();
    t.join('ann');
    t.join('bob');
    const { winner, loser } = playVerticalWin(t);
    expect(t.state.room).toMatchObject({ status: 'won', turn: 0, moves: 7 });
    expect(t.state.entities.get(winner)!.wins).toBe(1);
    expect(t.drop(loser, 1)).toEqual({ accepted: false, reason: 'C4_NOT_PLAYING' });
    expect(t.emitted.at(-1)).toEqual({
      type: 'game.connect-four.round.ended',
      data: { winner, round: 1, moves: 7 },
    });
  });

  it('finds lines in every direction', () => {
    const board = new Array<number>(42).fill(0);
    const put = (c: number, r: number): void => void (board[r * COLUMNS + c] = 1);
    [0, 1, 2, 3].forEach((i) => put(i, 0));
    expect(winsAt(board, 2, 0)).toBe(true);
    board.fill(0);
    [0, 1, 2, 3].forEach((i) => put(6 - i, i));
    expect(winsAt(board, 4, 2)).toBe(true);
    board.fill(0);
    [0, 1, 2].forEach((i) => put(i, i));
    expect(winsAt(board, 2, 2)).toBe(false);
  });

  it('a full board with no line is a draw', () => {
    const t = table();
    t.join('ann');
    t.join('bob');
    // Columns filled in pairs (0,1), (2,3), (4,5), then 6: in each pair the colours alternate by
    // rows of two (a a b b a a / b b a a b b), so no line of four forms anywhere.
    const order = [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 2, 3, 2, 3, 3, 2, 3, 2, 2, 3, 2, 3, 4, 5, 4, 5, 5, 4, 5, 4, 4, 5, 4, 5, 6, 6, 6, 6, 6, 6];
    for (const column of order) expect(t.drop(t.toMove(), column)).toEqual({ accepted: true });
    expect(t.state.room).toMatchObject({ status: 'draw', moves: 42, winner: 0 });
  });

  it('a rematch needs both players and the other player opens it', () => {
    const t = table();
    t.join('ann');
    t.join('bob');
    expect(t.rematch('ann')).toEqual({ accepted: false, reason: 'C4_ROUND_NOT_OVER' });
    const opener = t.state.room.starter;
    const { loser } = playVerticalWin(t);
    t.rematch(loser);
    expect(t.state.room.status).toBe('won');
    t.rematch([...t.state.entities.keys()].find((id) => id !== loser)!);
    expect(t.state.room).toMatchObject({ status: 'playing', round: 2, moves: 0, turn: 3 - opener });
    expect(t.state.room.board.every((c) => c === 0)).toBe(true);
  });

  it('leaving mid-round forfeits it to the other player', () => {
    const t = table();
    t.join('ann');
    t.join('bob');
    t.leave('ann');
    expect(t.state.room).toMatchObject({ status: 'won', winner: t.state.entities.get('bob')!.seat });
    expect(t.state.entities.get('bob')!.wins).toBe(1);
  });
});

describe('connect four - in a room of the engine', () => {
  it('two players play a round, a rematch and see the same board from the frames', () => {
    const room = new RulesRoom({ game: connectFour, roomId: 'c4-1', seed: 11, clock: new ManualClock(0) });
    const views = { ann: new RoomView(), bob: new RoomView() };
    const seqs = { ann: 0, bob: 0 };
    const step = () => {
      const out = room.step();
      for (const v of Object.values(views)) if (out.frame) v.apply(decodeRoomFrame(out.frame));
      return out;
    };
    const send = (who: 'ann' | 'bob', command: unknown) =>
      room.enqueue({ kind: 'command', playerId: who, seq: ++seqs[who], command });
    room.enqueue({ kind: 'join', playerId: 'ann', seq: seqs.ann });
    room.enqueue({ kind: 'join', playerId: 'bob', seq: seqs.bob });
    step();
    const toMove = (): 'ann' | 'bob' => (room.state.entities.get('ann')!.seat === room.state.room.turn ? 'ann' : 'bob');
    const first = toMove();
    const other = first === 'ann' ? 'bob' : 'ann';
    // Out of turn, then a command that fails its schema: both refused, nothing changes.
    send(other, { type: 'drop', column: 0 });
    send(first, { type: 'drop', column: 7 });
    const refused = step();
    expect(refused.rejections.map((r) => r.reason)).toEqual(['C4_NOT_YOUR_TURN', 'GAME_MALFORMED']);
    expect(refused.frame).toBeUndefined();
    const events: string[] = [];
    for (let i = 0; i < 3; i++) {
      send(first, { type: 'drop', column: 3 });
      send(other, { type: 'drop', column: 4 });
      events.push(...step().events.map((e) => e.type));
    }
    send(first, { type: 'drop', column: 3 });
    const won = step();
    expect(won.events.map((e) => [e.type, e.source, e.partitionkey])).toEqual([
      ['game.connect-four.piece.dropped', 'room/c4-1', 'c4-1'],
      ['game.connect-four.round.ended', 'room/c4-1', 'c4-1'],
    ]);
    expect(views.ann.room).toEqual(room.state.room);
    expect(views.bob.room).toMatchObject({ status: 'won', winner: room.state.entities.get(first)!.seat });
    expect(Object.fromEntries(views.bob.entities)).toEqual(Object.fromEntries(room.state.entities));
    send('ann', { type: 'rematch' });
    send('bob', { type: 'rematch' });
    step();
    expect(views.ann.room).toMatchObject({ status: 'playing', round: 2 });
    expect(toMove()).toBe(other);
  });

  it('a third player is refused, and a restored room plays on', () => {
    const room = new RulesRoom({ game: connectFour, roomId: 'c4-2', seed: 3, clock: new ManualClock(0) });
    for (const id of ['ann', 'bob', 'cy']) room.enqueue({ kind: 'join', playerId: id, seq: 0 });
    expect(room.step().rejections).toEqual([{ playerId: 'cy', seq: 0, reason: 'GAME_ZONE_FULL' }]);
    const copy = RulesRoom.restore(room.snapshot(), { game: connectFour, roomId: 'c4-2' });
    const mover = copy.state.entities.get('ann')!.seat === copy.state.room.turn ? 'ann' : 'bob';
    copy.enqueue({ kind: 'command', playerId: mover, seq: 1, command: { type: 'drop', column: 0 } });
    expect(copy.step().acks).toEqual([{ playerId: mover, seq: 1 }]);
    expect(copy.state.room.board[0]).toBe(copy.state.entities.get(mover)!.seat);
  });
});
