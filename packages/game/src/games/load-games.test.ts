import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isGameRulesError } from '../rules/index.ts';
import { silentLogger } from '@tickline/kernel';
import { createGameCatalog, loadGames } from './load-games.ts';

const baseDir = fileURLToPath(new URL('.', import.meta.url));

async function refusal(files: string[]): Promise<Error> {
  try {
    await loadGames(files, { baseDir });
  } catch (error) {
    expect(isGameRulesError(error, 'GAME_RULES_INVALID')).toBe(true);
    return error as Error;
  }
  throw new Error('expected the games to be refused');
}

describe('game catalogue - games loaded from the operator files', () => {
  it('holds the built-in games and each file, checked, by name', async () => {
    const games = await loadGames(['./fixtures/tiny-game.ts'], { baseDir });
    expect([...games.keys()]).toEqual(['arena', 'connect-four', 'tag', 'tiny']);
  });

  it('refuses a file that does not fit the API, naming it and what is wrong', async () => {
    const error = await refusal(['./fixtures/not-a-game.ts']);
    expect(error.message).toContain('./fixtures/not-a-game.ts');
    expect(error.message).toContain('command must be a function');
  });

  it('refuses a file that cannot be loaded, naming it', async () => {
    expect((await refusal(['./fixtures/missing.ts'])).message).toContain('./fixtures/missing.ts: cannot be loaded');
  });

  it('refuses a second game of the same name, naming both files', async () => {
    const error = await refusal(['./fixtures/tiny-game.ts', `${baseDir}fixtures/tiny-game.ts`]);
    expect(error.message).toMatch(/tiny-game\.ts: the name tiny is taken by \.\/fixtures\/tiny-game\.ts/);
  });

  it('the catalogue service fails its start on a bad file, and serves the games after a good start', async () => {
    const context = { logger: silentLogger, fail: () => {} };
    const bad = createGameCatalog(['./fixtures/not-a-game.ts'], { baseDir });
    await expect(bad.start(context)).rejects.toMatchObject({ code: 'GAME_RULES_INVALID' });
    const good = createGameCatalog(['./fixtures/tiny-game.ts'], { baseDir });
    await good.start(context);
    expect(good.games.get('tiny')?.version).toBe(1);
    expect(good.health().status).toBe('up');
  });
});
