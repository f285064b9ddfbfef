/**
 * @module The strict decoder of a game's commands: a command is `{ type, …payload }` and must be
 * exactly one of the game's declared commands — no missing, extra or mistyped field — before a
 * handler sees it. It checks the value in place and returns it, copying nothing.
 */
import { fieldProblem } from './fields.ts';
import type { AnyGameRules } from './types.ts';

/** A decoded command, or why it was refused. */
export type DecodedCommand =
  | { ok: true; command: { type: string } & Record<string, unknown> }
  | { ok: false; reason: 'GAME_MALFORMED' | 'GAME_UNKNOWN_COMMAND'; message: string };

/** Per command spec, its field names: read for every command, made once. */
const namesOf = new WeakMap<object, readonly string[]>();

function fieldNames(spec: object): readonly string[] {
  let names = namesOf.get(spec);
  if (names === undefined) namesOf.set(spec, (names = Object.keys(spec)));
  return names;
}

/** Checks `raw` against the commands of `game`. */
export function decodeCommand(game: AnyGameRules, raw: unknown): DecodedCommand {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, reason: 'GAME_MALFORMED', message: 'a command is an object with a type' };
  const c = raw as Record<string, unknown>;
  const type = c.type;
  if (typeof type !== 'string')
    return { ok: false, reason: 'GAME_MALFORMED', message: 'a command needs a type' };
  const spec = Object.hasOwn(game.commands, type)
    ? (game.commands as Record<string, object>)[type]
    : undefined;
  if (spec === undefined)
    return {
      ok: false,
      reason: 'GAME_UNKNOWN_COMMAND',
      message: `${game.name} has no command ${type.slice(0, 64)}`,
    };
  const fields = spec as Record<string, Parameters<typeof fieldProblem>[0]>;
  let count = 0;
  for (const key in c) {
    if (!Object.hasOwn(c, key) || key === 'type') continue;
    count++;
    const t = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (t === undefined)
      return { ok: false, reason: 'GAME_MALFORMED', message: `${type}: unknown field ${key.slice(0, 64)}` };
    const problem = fieldProblem(t, c[key]);
    if (problem !== undefined)
      return { ok: false, reason: 'GAME_MALFORMED', message: `${type}.${key}: ${problem}` };
  }
  const names = fieldNames(spec);
  if (count !== names.length) {
    const missing = names.find((k) => !Object.hasOwn(c, k));
    return { ok: false, reason: 'GAME_MALFORMED', message: `${type}: missing field ${missing}` };
  }
  return { ok: true, command: c as { type: string } & Record<string, unknown> };
}
