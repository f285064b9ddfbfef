/**
 * docs/game.md's tutorial game, `docs/examples/nim.ts`, as a reader writes it: the file the
 * tutorial shows is this file (a drift check), it loads as an operator's `game.games` file
 * (importing `@tickline/game` like any game outside the repo's packages), and a room of it plays
 * to a win with its turns and refusals.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RulesRoom, type AnyGameRules } from '../rules/index.ts';
import { loadGames } from './load-games.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const EXAMPLE = 'docs/examples/nim.ts';

async function nim(): Promise<AnyGameRules> {
  const games = await loadGames([EXAMPLE], { baseDir: repo });
  return games.get('nim')!;
}

describe('tutorial - the Nim game of docs/game.md', () => {
  it('tutorial - docs/game.md shows the example file as it is', () => {
    const source = readFileSync(`${repo}${EXAMPLE}`, 'utf8');
    const guide = readFileSync(`${repo}docs/game.md`, 'utf8');
    expect(guide).toContain(`\`\`\`ts\n${source}\`\`\``);
  });

  it('tutorial - loads as an operator file and plays to a win, refusing out of turn and too many', async () => {
    const room = new RulesRoom({ game: await nim(), roomId: 'nim-1' });
    const step = () => room.step();
    room.enqueue({ kind: 'join', playerId: 'ada', seq: 0 });
    room.enqueue({ kind: 'join', playerId: 'bob', seq: 0 });
    step();
    expect(room.state.room).toEqual({ stones: 15, turn: 1, winner: 0 });
    room.enqueue({ kind: 'command', playerId: 'bob', seq: 1, command: { type: 'take', count: 3 } });
    expect(step().rejections.map((r) => r.reason)).toEqual(['NIM_NOT_YOUR_TURN']);
    let seq = 1;
    const moves: Array<['ada' | 'bob', number]> = [['ada', 3], ['bob', 3], ['ada', 3], ['bob', 3], ['ada', 2]];
    for (const [player, count] of moves) {
      room.enqueue({ kind: 'command', playerId: player, seq: ++seq, command: { type: 'take', count } });
      expect(step().acks).toHaveLength(1);
    }
    room.enqueue({ kind: 'command', playerId: 'bob', seq: ++seq, command: { type: 'take', count: 2 } });
    expect(step().rejections.map((r) => r.reason)).toEqual(['NIM_TOO_MANY']);
    room.enqueue({ kind: 'command', playerId: 'bob', seq: ++seq, command: { type: 'take', count: 1 } });
    step();
    expect(room.state.room).toEqual({ stones: 0, turn: 0, winner: 2 });
    room.enqueue({ kind: 'command', playerId: 'ada', seq: ++seq, command: { type: 'take', count: 1 } });
    expect(step().rejections.map((r) => r.reason)).toEqual(['NIM_OVER']);
  });
});
