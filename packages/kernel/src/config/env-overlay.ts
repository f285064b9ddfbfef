/**
 * @module Environment overlay: `TICKLINE_HTTP_PORT=9000` sets `http.port`. Names come from the
 * schema's paths; values are coerced to the field's kind; an unknown `TICKLINE_*` name is an
 * error, because a typo silently ignored is a setting silently not applied.
 */
import { ConfigInvalidError } from '../errors/index.ts';
import { setPath } from './object-path.ts';
import { ConfigFieldKind, type ConfigField } from './schema-fields.ts';

/** Where a value came from: shown next to the field in error messages. */
export interface ConfigOrigin {
  /** `TICKLINE_HTTP_PORT`, `config.yaml`, `--role`. */
  label: string;
  /** The value exactly as written there (env values are strings). */
  raw: unknown;
}

/** Options for {@link overlayEnv}. */
export interface EnvOverlayOptions {
  /** @default 'TICKLINE' */
  prefix?: string;
  /** Variables with the prefix that are not config fields (e.g. `TICKLINE_CONFIG`). */
  ignore?: readonly string[];
}

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Writes every `PREFIX_*` variable of `env` into a copy of `base` at its field's path and records
 * its origin by field key. Empty values count as unset, so `TICKLINE_X=` in a compose file is a no-op.
 * @throws ConfigInvalidError naming an unknown variable (and the closest known one).
 */
export function overlayEnv(
  base: Record<string, unknown>,
  fields: readonly ConfigField[],
  env: Readonly<Record<string, string | undefined>>,
  options: EnvOverlayOptions = {},
): { value: Record<string, unknown>; origins: Map<string, ConfigOrigin> } {
  const prefix = `${options.prefix ?? 'TICKLINE'}_`;
  const ignore = new Set(options.ignore ?? []);
  const byEnv = new Map(fields.map((field) => [field.env, field]));
  const value = structuredClone(base);
  const origins = new Map<string, ConfigOrigin>();
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    if (!name.startsWith(prefix) || ignore.has(name) || raw === undefined || raw === '') continue;
    const field = byEnv.get(name);
    if (field === undefined) throw unknownVariable(name, [...byEnv.keys()]);
    setPath(value, field.path, coerceEnvValue(field, raw));
    origins.set(field.key, { label: name, raw });
  }
  return { value, origins };
}

/** Converts an environment string to the field's kind; leaves it a string when it does not fit, so validation reports it. */
export function coerceEnvValue(field: Pick<ConfigField, 'kind' | 'elementKind'>, raw: string): unknown {
  switch (field.kind) {
    case ConfigFieldKind.Integer:
    case ConfigFieldKind.Number:
      return coerceScalar(field.kind, raw);
    case ConfigFieldKind.Boolean:
      return coerceScalar(field.kind, raw);
    case ConfigFieldKind.List:
      return splitList(raw).map((item) => coerceScalar(field.elementKind ?? ConfigFieldKind.String, item));
    case ConfigFieldKind.Map:
      return parseObject(raw);
    default:
      return raw;
  }
}

function coerceScalar(kind: ConfigFieldKind, raw: string): unknown {
  const text = raw.trim();
  if (kind === ConfigFieldKind.Integer || kind === ConfigFieldKind.Number) {
    // `1_000_000` reads better than `1000000` in an env file.
    const digits = text.replace(/(\d)_(?=\d)/g, '$1');
    return NUMBER_PATTERN.test(digits) ? Number(digits) : raw;
  }
  if (kind === ConfigFieldKind.Boolean) {
    const word = text.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return raw;
  }
  return raw;
}

/** A JSON object, else the text itself (validation then names the field). */
function parseObject(raw: string): unknown {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : raw;
  } catch {
    return raw;
  }
}

function splitList(raw: string): string[] {
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed))
        return parsed.map((item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item)));
    } catch {
      // not JSON: fall through to the comma-separated form
    }
  }
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function unknownVariable(name: string, known: string[]): ConfigInvalidError {
  const nearest = closest(name, known);
  const hint = nearest === undefined ? '' : `; did you mean ${nearest}?`;
  return new ConfigInvalidError(`config error: unknown environment variable ${name}${hint}`, {
    env: name,
    suggestion: nearest,
  });
}

/** The known name within a small edit distance of `name`, if any. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(name.length / 5))
    ? best.name
    : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
