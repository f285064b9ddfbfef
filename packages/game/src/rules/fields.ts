/**
 * @module Field types of the rules API: what a game's room state, entity state and command
 * payloads are made of. Each type is closed and bounded (so the strict decoder can check a value
 * before anything is kept, and the engine can delta-encode it field by field).
 */

/** The closed set of field kinds. */
export const FieldKind = {
  Bool: 'bool',
  Int: 'int',
  Float: 'float',
  String: 'string',
  Enum: 'enum',
  Ints: 'ints',
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/**
 * Who is sent a state field. `server`: nobody — the room keeps it (snapshots, replays, operators'
 * inspection) and handlers read it, but no frame carries it (a deck, a hidden answer). `owner`: an
 * entity field only the entity's own player is sent (a hand of cards). Default: every player who
 * sees the entity.
 */
export type FieldVisibility = 'server' | 'owner';

interface FieldCommon {
  readonly visibility?: FieldVisibility;
}

export interface BoolField extends FieldCommon {
  readonly kind: 'bool';
}
/** A safe integer within `min` … `max` (inclusive). */
export interface IntField extends FieldCommon {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
}
/** A finite number within `min` … `max` (inclusive). */
export interface FloatField extends FieldCommon {
  readonly kind: 'float';
  readonly min: number;
  readonly max: number;
  /**
   * State fields only: frames carry the value rounded to a multiple of `step`, a power of two
   * (1/64: as the zone's positions), exact in 32 bits and so sent in 5 bytes instead of 9; the room
   * keeps the value whole (handlers, snapshots, replays). A viewer is within `step / 2` of it, and
   * a change smaller than that may send nothing.
   */
  readonly step?: number;
}
/** A UTF-16 string of at most `maxLength` code units. */
export interface StringField extends FieldCommon {
  readonly kind: 'string';
  readonly maxLength: number;
}
/** One of a fixed list of strings. */
export interface EnumField<V extends string = string> extends FieldCommon {
  readonly kind: 'enum';
  readonly values: readonly V[];
}
/** A fixed-length list of integers within `min` … `max` (a board, a hand); delta-encoded whole. */
export interface IntsField extends FieldCommon {
  readonly kind: 'ints';
  readonly length: number;
  readonly min: number;
  readonly max: number;
}

export type FieldType = BoolField | IntField | FloatField | StringField | EnumField | IntsField;

/** A record of named fields: a room's state, an entity's state or a command's payload. */
export type Fields = Readonly<Record<string, FieldType>>;

/** The value a field holds. */
export type ValueOf<F extends FieldType> = F extends BoolField
  ? boolean
  : F extends IntField | FloatField
    ? number
    : F extends StringField
      ? string
      : F extends EnumField<infer V>
        ? V
        : F extends IntsField
          ? number[]
          : never;

/** The values of a record of fields. */
export type Values<F extends Fields> = { -readonly [K in keyof F]: ValueOf<F[K]> };

/** Builders for field types, so a game reads `field.int(0, 6)` instead of object literals. */
export const field = {
  bool: (): BoolField => ({ kind: 'bool' }),
  int: (min: number, max: number): IntField => ({ kind: 'int', min, max }),
  float: (min = -Number.MAX_VALUE, max = Number.MAX_VALUE, options: { step?: number } = {}): FloatField =>
    options.step === undefined
      ? { kind: 'float', min, max }
      : { kind: 'float', min, max, step: options.step },
  string: (maxLength: number): StringField => ({ kind: 'string', maxLength }),
  enum: <const V extends string>(values: readonly V[]): EnumField<V> => ({ kind: 'enum', values }),
  ints: (length: number, min: number, max: number): IntsField => ({ kind: 'ints', length, min, max }),
  /** Kept by the room, sent to nobody: `field.serverOnly(field.ints(52, 0, 51))` (a shuffled deck). */
  serverOnly: <F extends FieldType>(type: F): F => ({ ...type, visibility: 'server' }),
  /** An entity field sent only to the entity's own player: `field.ownerOnly(field.ints(5, 0, 51))`. */
  ownerOnly: <F extends FieldType>(type: F): F => ({ ...type, visibility: 'owner' }),
} as const;

/** Multiples of a step up to this many are exact in a 32-bit float (its 24-bit significand). */
export const MAX_FLOAT_STEPS = 2 ** 24;

/** Why a float field's `step` cannot be sent in 32 bits exactly, or undefined when it can (or has none). */
export function stepProblem(type: FloatField): string | undefined {
  const step = type.step;
  if (step === undefined) return undefined;
  if (!(step > 0) || !Number.isInteger(Math.log2(step)))
    return 'needs a step that is a power of two (1/64, 1/128, 1…)';
  if (Math.max(Math.abs(type.min), Math.abs(type.max)) / step > MAX_FLOAT_STEPS)
    return `needs |min| and |max| within step × 2^24 (${step * MAX_FLOAT_STEPS})`;
  return undefined;
}

/** Why `value` does not fit `type`, or undefined when it does. Reads nothing beyond the bounds. */
export function fieldProblem(type: FieldType, value: unknown): string | undefined {
  switch (type.kind) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'expected a boolean';
    case 'int':
      return Number.isSafeInteger(value) && (value as number) >= type.min && (value as number) <= type.max
        ? undefined
        : `expected an integer in ${type.min}…${type.max}`;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && value >= type.min && value <= type.max
        ? undefined
        : `expected a finite number in ${type.min}…${type.max}`;
    case 'string':
      return typeof value === 'string' && value.length <= type.maxLength
        ? undefined
        : `expected a string of at most ${type.maxLength} characters`;
    case 'enum':
      return typeof value === 'string' && type.values.includes(value)
        ? undefined
        : `expected one of ${type.values.join(', ')}`;
    case 'ints': {
      if (!Array.isArray(value) || value.length !== type.length) return `expected ${type.length} integers`;
      for (const v of value as unknown[])
        if (!Number.isSafeInteger(v) || (v as number) < type.min || (v as number) > type.max)
          return `expected ${type.length} integers in ${type.min}…${type.max}`;
      return undefined;
    }
  }
}

/** The first field of `fields` whose value in `values` does not fit, as `name: problem`. */
export function valuesProblem(fields: Fields, values: Record<string, unknown>): string | undefined {
  // for…in over the declared fields (a plain object literal): no array of keys per check.
  for (const name in fields) {
    const problem = fieldProblem(fields[name]!, values[name]);
    if (problem !== undefined) return `${name}: ${problem}`;
  }
  return undefined;
}

/** Two values of one field are equal (lists element by element). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of a record of values (lists copied, so a draft never shares them with the original). */
export function copyValues<V extends Record<string, unknown>>(values: V): V {
  const out: Record<string, unknown> = {};
  // for…in with an own-key check is Object.keys without its array: a copy is made for every command.
  for (const k in values) {
    if (!Object.hasOwn(values, k)) continue;
    const v = values[k];
    out[k] = Array.isArray(v) ? v.slice() : v;
  }
  return out as V;
}
