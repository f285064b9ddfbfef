/**
 * @module The leaves of a config schema: dotted path, environment variable, kind, what is
 * allowed, description and default — read from the schema's JSON Schema form, so any zod schema
 * built from objects, scalars, enums and lists works without a hand-written field table.
 */
import { z } from 'zod';

/** How a leaf's value is written in an environment variable. */
export const ConfigFieldKind = {
  String: 'string',
  Integer: 'integer',
  Number: 'number',
  Boolean: 'boolean',
  Enum: 'enum',
  /** A list: comma-separated (or a JSON array) in the environment. */
  List: 'list',
  /** Named values (`strategy.codeKeys`): a JSON object in the environment. */
  Map: 'map',
} as const;
export type ConfigFieldKind = (typeof ConfigFieldKind)[keyof typeof ConfigFieldKind];

/** One settable value of a config schema. */
export interface ConfigField {
  /** Object keys from the root: `['http', 'port']`. */
  path: readonly string[];
  /** `http.port` */
  key: string;
  /** `TICKLINE_HTTP_PORT` */
  env: string;
  kind: ConfigFieldKind;
  /** Element kind of a list. */
  elementKind?: ConfigFieldKind;
  /** What a valid value looks like: `an integer 0–65535`, `one of embedded, nats`. */
  allowed: string;
  description?: string;
  /** The default, when the schema has one. */
  default?: unknown;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  pattern?: string;
  minItems?: number;
};

// Integer bounds zod adds for `z.int()` on its own; not worth showing to an operator.
const SAFE_INTEGER_LIMIT = Number.MAX_SAFE_INTEGER;

/** `fsyncIntervalMs` → `FSYNC_INTERVAL_MS`. */
export function toEnvSegment(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** `['eventlog', 'nats', 'servers']` with prefix `TICKLINE` → `TICKLINE_EVENTLOG_NATS_SERVERS`. */
export function envNameFor(prefix: string, path: readonly string[]): string {
  return [prefix, ...path.map(toEnvSegment)].join('_');
}

/**
 * Lists every leaf of `schema` (an object schema). Throws when two paths map to the same
 * environment variable, which would make the overlay ambiguous.
 */
export function listConfigFields(schema: z.ZodType, envPrefix: string): ConfigField[] {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const fields: ConfigField[] = [];
  walk(root, [], envPrefix, fields);
  const byEnv = new Map<string, string>();
  for (const field of fields) {
    const other = byEnv.get(field.env);
    if (other !== undefined)
      throw new Error(`config fields ${other} and ${field.key} both map to ${field.env}`);
    byEnv.set(field.env, field.key);
  }
  return fields;
}

function walk(node: JsonSchema, path: string[], prefix: string, out: ConfigField[]): void {
  if (node.properties !== undefined) {
    for (const [key, child] of Object.entries(node.properties)) walk(child, [...path, key], prefix, out);
    return;
  }
  const leaf = unwrapNullable(node);
  const kind = kindOf(leaf);
  const field: ConfigField = {
    path,
    key: path.join('.'),
    env: envNameFor(prefix, path),
    kind,
    allowed: describeAllowed(leaf),
  };
  if (kind === ConfigFieldKind.List && leaf.items !== undefined) field.elementKind = kindOf(leaf.items);
  const description = node.description ?? leaf.description;
  if (description !== undefined) field.description = description;
  if ('default' in node) field.default = node.default;
  out.push(field);
}

function unwrapNullable(node: JsonSchema): JsonSchema {
  const options = node.anyOf?.filter((option) => option.type !== 'null');
  return options?.length === 1 ? { ...options[0], description: node.description } : node;
}

function kindOf(node: JsonSchema): ConfigFieldKind {
  if (node.enum !== undefined || node.const !== undefined) return ConfigFieldKind.Enum;
  switch (node.type) {
    case 'integer':
      return ConfigFieldKind.Integer;
    case 'number':
      return ConfigFieldKind.Number;
    case 'boolean':
      return ConfigFieldKind.Boolean;
    case 'array':
      return ConfigFieldKind.List;
    case 'object':
      return ConfigFieldKind.Map;
    default:
      return ConfigFieldKind.String;
  }
}

/** A short phrase saying what a leaf accepts, for error messages and `config` listings. */
function describeAllowed(node: JsonSchema): string {
  const kind = kindOf(node);
  switch (kind) {
    case ConfigFieldKind.Enum:
      return `one of ${(node.enum ?? [node.const]).map(String).join(', ')}`;
    case ConfigFieldKind.Integer:
    case ConfigFieldKind.Number:
      return `${kind === ConfigFieldKind.Integer ? 'an integer' : 'a number'}${describeRange(node)}`;
    case ConfigFieldKind.Boolean:
      return 'true or false';
    case ConfigFieldKind.List: {
      const element = node.items ? describeAllowed(node.items).replace(/^an? /, '') : 'value';
      const list =
        node.minItems === 1
          ? 'a non-empty list'
          : node.minItems
            ? `a list of at least ${node.minItems}`
            : 'a list';
      return `${list} of ${element}s (comma-separated in the environment)`;
    }
    case ConfigFieldKind.Map:
      return 'named values (a JSON object in the environment)';
    default:
      if (node.pattern !== undefined) return `a string matching ${node.pattern}`;
      return node.minLength ? 'a non-empty string' : 'a string';
  }
}

function describeRange(node: JsonSchema): string {
  const min = node.minimum !== undefined && node.minimum > -SAFE_INTEGER_LIMIT ? node.minimum : undefined;
  const max = node.maximum !== undefined && node.maximum < SAFE_INTEGER_LIMIT ? node.maximum : undefined;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  if (node.exclusiveMinimum !== undefined) return ` > ${node.exclusiveMinimum}`;
  if (node.exclusiveMaximum !== undefined) return ` < ${node.exclusiveMaximum}`;
  return '';
}
