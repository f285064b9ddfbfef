/**
 * @module The load-time check of a game module against the rules API: the operator's game files
 * are trusted code, but a mistake in one must stop the start with an error naming the file, not
 * surface as a crash in a room later.
 */
import { MAX_FRAME_FIELDS } from '@tickline/protocol';
import { stepProblem, type FieldType, type Fields } from './fields.ts';
import { GameRulesError } from './rules-error.ts';
import type { AnyGameRules } from './types.ts';

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const REASON = /^[A-Z][A-Z0-9_]{2,63}$/;
const HANDLERS = ['init', 'join', 'leave', 'command'] as const;
const OPTIONAL_HANDLERS = ['tick', 'migrate'] as const;
/** Field names travel in every reset frame's field table: keep them short and plain. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
/** A list field is re-sent whole when it changes: bound it. */
const MAX_INTS_LENGTH = 4096;

function fieldTypeProblem(t: unknown): string | undefined {
  if (typeof t !== 'object' || t === null) return 'is not a field type';
  const f = t as FieldType;
  const ordered = (min: unknown, max: unknown): boolean =>
    typeof min === 'number' &&
    typeof max === 'number' &&
    !Number.isNaN(min) &&
    !Number.isNaN(max) &&
    min <= max;
  switch (f.kind) {
    case 'bool':
      return undefined;
    case 'int':
      return ordered(f.min, f.max) ? undefined : 'needs min ≤ max';
    case 'float':
      return ordered(f.min, f.max) ? stepProblem(f) : 'needs min ≤ max';
    case 'string':
      return Number.isSafeInteger(f.maxLength) && f.maxLength > 0 ? undefined : 'needs a positive maxLength';
    case 'enum':
      return Array.isArray(f.values) && f.values.length > 0 && f.values.every((v) => typeof v === 'string')
        ? undefined
        : 'needs a non-empty list of strings';
    case 'ints':
      return Number.isSafeInteger(f.length) &&
        f.length > 0 &&
        f.length <= MAX_INTS_LENGTH &&
        ordered(f.min, f.max)
        ? undefined
        : `needs 1…${MAX_INTS_LENGTH} elements and min ≤ max`;
    default:
      return `has an unknown kind ${String((f as { kind?: unknown }).kind)}`;
  }
}

/** Which visibilities a record of fields may use: state fields may hide, command payloads not. */
const VISIBILITIES: Readonly<Record<string, readonly string[]>> = {
  'state.room': ['server'],
  'state.entity': ['server', 'owner'],
};

function fieldsProblem(where: string, fields: unknown): string | undefined {
  if (typeof fields !== 'object' || fields === null) return `${where} is not a record of fields`;
  const allowed = VISIBILITIES[where] ?? [];
  for (const [name, t] of Object.entries(fields as Fields)) {
    if (!FIELD_NAME.test(name)) return `${where}.${name} is not a valid field name`;
    const problem = fieldTypeProblem(t);
    if (problem !== undefined) return `${where}.${name} ${problem}`;
    if (t.kind === 'float' && t.step !== undefined && !where.startsWith('state.'))
      return `${where}.${name} cannot have a step (frames round state fields, not commands)`;
    const visibility = t.visibility;
    if (visibility !== undefined && !allowed.includes(visibility))
      return `${where}.${name} cannot be ${String(visibility)}-only${allowed.length ? ` (${allowed.join(' or ')} here)` : ''}`;
  }
  return undefined;
}

/** Every problem of `game`, first one first, or undefined when it fits the API. */
export function gameProblem(game: unknown): string | undefined {
  if (typeof game !== 'object' || game === null)
    return 'does not export a game (export default defineGame({…}))';
  const g = game as Partial<AnyGameRules>;
  if (typeof g.name !== 'string' || !NAME.test(g.name))
    return 'name must be lower case, digits and dashes (≤ 32)';
  if (!Number.isSafeInteger(g.version) || (g.version as number) < 1)
    return 'version must be a positive integer';
  const p = g.players;
  if (
    !p ||
    !Number.isSafeInteger(p.min) ||
    !Number.isSafeInteger(p.max) ||
    p.min < 1 ||
    p.max < p.min ||
    p.max > 65_536
  )
    return 'players must be { min, max } with 1 ≤ min ≤ max ≤ 65536';
  if (
    g.tickRateHz !== undefined &&
    !(Number.isSafeInteger(g.tickRateHz) && g.tickRateHz >= 1 && g.tickRateHz <= 120)
  )
    return 'tickRateHz must be an integer in 1…120 when given';
  if (typeof g.state !== 'object' || g.state === null) return 'state must be { room, entity }';
  const stateProblem =
    fieldsProblem('state.room', g.state.room) ?? fieldsProblem('state.entity', g.state.entity);
  if (stateProblem !== undefined) return stateProblem;
  for (const where of ['room', 'entity'] as const) {
    const sent = Object.values(g.state[where] as Fields).filter((f) => f.visibility !== 'server').length;
    // A frame names a record's fields by a mask of their indexes, a 53-bit safe integer.
    if (sent > MAX_FRAME_FIELDS)
      return `state.${where} declares ${sent} fields frames carry; at most ${MAX_FRAME_FIELDS} (make some serverOnly)`;
  }
  if (typeof g.commands !== 'object' || g.commands === null || Object.keys(g.commands).length === 0)
    return 'commands must declare at least one command';
  for (const [type, payload] of Object.entries(g.commands)) {
    if (!NAME.test(type)) return `command ${type} must be named in lower case, digits and dashes`;
    const problem = fieldsProblem(`commands.${type}`, payload);
    if (problem !== undefined) return problem;
    if (Object.hasOwn(payload as object, 'type'))
      return `commands.${type} must not declare a field named type`;
  }
  if (typeof g.reasons !== 'object' || g.reasons === null)
    return 'reasons must be a record of code → meaning';
  for (const code of Object.keys(g.reasons))
    if (!REASON.test(code)) return `reason ${code} must be upper case, digits and underscores`;
  for (const h of HANDLERS) if (typeof g[h] !== 'function') return `${h} must be a function`;
  for (const h of OPTIONAL_HANDLERS)
    if (g[h] !== undefined && typeof g[h] !== 'function') return `${h} must be a function when given`;
  if (
    g.events !== undefined &&
    (!Array.isArray(g.events) || g.events.some((e) => typeof e?.type !== 'string'))
  )
    return 'events must be a list of event definitions (defineEvent)';
  if (g.spatial !== undefined) {
    const s = g.spatial;
    const entity = g.state.entity as Fields;
    const numeric = (n: string): boolean => entity[n]?.kind === 'float' || entity[n]?.kind === 'int';
    if (!numeric(s.x) || !numeric(s.y)) return 'spatial.x and spatial.y must name numeric entity fields';
    if (!(s.viewRadius > 0)) return 'spatial.viewRadius must be positive';
  }
  return undefined;
}

/**
 * Checks a loaded game module; throws `GAME_RULES_INVALID` naming `file` when it does not fit.
 * @returns the game, typed for the engine.
 */
export function checkGame(game: unknown, file: string): AnyGameRules {
  const problem = gameProblem(game);
  if (problem !== undefined)
    throw new GameRulesError('GAME_RULES_INVALID', `game ${file}: ${problem}`, { details: { file } });
  return game as AnyGameRules;
}
