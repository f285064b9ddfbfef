// games/nim.ts: two players take 1 to 3 stones in turn from a pile of 15; who takes the last wins.
import { accept, defineGame, field, reject } from '@tickline/game';

export default defineGame({
  name: 'nim',
  version: 1,
  players: { min: 2, max: 2 },
  state: {
    room: {
      stones: field.int(0, 15),
      turn: field.int(0, 2), // the seat to move; 0 while waiting or over
      winner: field.int(0, 2), // 0 until someone took the last stone
    },
    entity: { seat: field.int(1, 2) },
  },
  commands: { take: { count: field.int(1, 3) } },
  reasons: {
    NIM_NOT_YOUR_TURN: 'The other player is to move (or the second has not joined yet).',
    NIM_TOO_MANY: 'Fewer stones are left than that.',
    NIM_OVER: 'The game is over.',
  },
  init: () => ({ stones: 15, turn: 0, winner: 0 }),
  join(state, playerId) {
    const taken = new Set([...state.entities.values()].map((e) => e.seat));
    state.entities.set(playerId, { seat: taken.has(1) ? 2 : 1 });
    if (state.entities.size === 2 && state.room.winner === 0) state.room.turn = 1;
    return accept();
  },
  leave(state) {
    if (state.room.winner === 0) state.room.turn = 0; // wait for another player
  },
  command(state, playerId, command) {
    const room = state.room;
    if (room.winner !== 0) return reject('NIM_OVER');
    if (room.turn !== state.entities.get(playerId)?.seat) return reject('NIM_NOT_YOUR_TURN');
    if (command.count > room.stones) return reject('NIM_TOO_MANY');
    room.stones -= command.count;
    if (room.stones === 0) {
      room.winner = room.turn;
      room.turn = 0;
    } else room.turn = 3 - room.turn;
    return accept();
  },
});
