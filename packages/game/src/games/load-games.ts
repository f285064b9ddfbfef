/**
 * @module The games a process can run: the built-in ones and the operator's files named in
 * `game.games`. The files are trusted code of the operator, loaded once at start; each is checked
 * against the rules API there, and one that does not load or does not fit stops the start with
 * `GAME_RULES_INVALID` naming the file.
 */
import { ServiceStatus, type Service } from '@tickline/kernel';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkGame, GameRulesError, RoomClosed, type AnyGameRules } from '../rules/index.ts';
import { arenaGame } from './arena/arena.ts';
import { connectFour, PieceDropped, RoundEnded } from './connect-four/connect-four.ts';
import { tag, TagRoundEnded, TagTagged } from './tag/tag.ts';

/** The games every process knows, by name. */
export function builtInGames(): AnyGameRules[] {
  return [arenaGame(), connectFour, tag];
}

/**
 * Events of rules rooms and of the built-in games beyond the zone's own (the arena emits the
 * zone's `game.player.*`), for the process's event registry.
 */
export const BUILT_IN_GAME_EVENTS = [RoomClosed, PieceDropped, RoundEnded, TagTagged, TagRoundEnded] as const;

export interface LoadGamesOptions {
  /** Relative paths are taken from here. @default process.cwd() at call time (the composition root passes it) */
  baseDir: string;
}

/** A module's game: its default export, or an export named `game`. */
function gameOf(mod: Record<string, unknown>): unknown {
  return mod.default ?? mod.game;
}

/**
 * Loads each file and checks it, then returns every game by name (the built-in ones first).
 * @throws GameRulesError GAME_RULES_INVALID naming the file that failed to load, does not fit, or repeats a name.
 */
export async function loadGames(files: readonly string[], options: LoadGamesOptions): Promise<Map<string, AnyGameRules>> {
  const games = new Map<string, AnyGameRules>();
  const origin = new Map<string, string>();
  const add = (game: AnyGameRules, file: string): void => {
    const before = origin.get(game.name);
    if (before !== undefined)
      throw new GameRulesError('GAME_RULES_INVALID', `game ${file}: the name ${game.name} is taken by ${before}`, {
        details: { file },
      });
    games.set(game.name, game);
    origin.set(game.name, file);
  };
  for (const game of builtInGames()) add(checkGame(game, `built-in ${game.name}`), `built-in ${game.name}`);
  for (const file of files) {
    const path = isAbsolute(file) ? file : resolve(options.baseDir, file);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      throw new GameRulesError('GAME_RULES_INVALID', `game ${file}: cannot be loaded (${(error as Error).message})`, {
        cause: error,
        details: { file },
      });
    }
    add(checkGame(gameOf(mod), file), file);
  }
  return games;
}

/** The catalogue of games as a service: loaded (and checked) when the process starts. */
export interface GameCatalog extends Service {
  /** The games by name; empty before start. */
  readonly games: ReadonlyMap<string, AnyGameRules>;
}

export function createGameCatalog(files: readonly string[], options: LoadGamesOptions): GameCatalog {
  let games: ReadonlyMap<string, AnyGameRules> = new Map();
  let status: ServiceStatus = ServiceStatus.Stopped;
  return {
    name: 'game-catalog',
    get games() {
      return games;
    },
    async start(context) {
      status = ServiceStatus.Starting;
      games = await loadGames(files, options);
      status = ServiceStatus.Up;
      context.logger.info({ games: [...games.keys()] }, 'games loaded');
    },
    async stop() {
      status = ServiceStatus.Stopped;
    },
    health: () => ({ status, info: { games: games.size } }),
  };
}
