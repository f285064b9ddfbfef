/**
 * @module The SDK's GraphQL types (packages/client/src/graphql/generated/), printed from the
 * schema the server builds, so they cannot drift: every object, interface, input and enum as a
 * `Gql`-named TypeScript type (nullable fields `| null`), and each field's arguments as
 * `Gql<Type><Field>Args`. One file per part of the SDL (a type goes where its part defines it; the
 * root types, which every part extends, to `root.ts`), importing what it names from the others,
 * and an `index.ts` over them. A test compares the files; `npm run docs:graphql` regenerates them.
 */
import {
  buildSchema,
  getNamedType,
  Kind,
  parse,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLType,
} from 'graphql';
import { SDL, SDL_PARTS } from '../schema/sdl.ts';

/** Where the SDK keeps them. */
export const CLIENT_TYPES_DIR = new URL('../../../client/src/graphql/generated/', import.meta.url);

/** The SDK's names stay clear of the protocol's (Order, Position…): every type is `Gql…`. */
const PREFIX = 'Gql';

const SCALARS: Readonly<Record<string, string>> = {
  ID: 'string',
  String: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  JSON: 'unknown',
};

function named(type: GraphQLNamedType): string {
  return isScalarType(type) ? (SCALARS[type.name] ?? 'unknown') : `${PREFIX}${type.name}`;
}

/** A field's TypeScript type: lists as arrays, nullable as `| null` (JSON's `unknown` holds null). */
function tsType(type: GraphQLType): string {
  if (isNonNullType(type)) return innerType(type.ofType);
  const inner = innerType(type);
  return inner === 'unknown' ? inner : `${inner} | null`;
}

function innerType(type: GraphQLType): string {
  if (isNonNullType(type)) return innerType(type.ofType);
  if (isListType(type)) {
    const item = tsType(type.ofType);
    return item.includes('|') ? `Array<${item}>` : `${item}[]`;
  }
  return named(type);
}

function doc(description: string | null | undefined, indent: string): string {
  if (!description) return '';
  const lines = description.trim().split('\n');
  return lines.length === 1
    ? `${indent}/** ${lines[0]} */\n`
    : `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** An argument or input field: optional when it may be null or has a default. */
function inputMember(member: GraphQLArgument | GraphQLInputField): string {
  const optional = !isNonNullType(member.type) || member.defaultValue !== undefined;
  return `${doc(member.description, '  ')}  ${member.name}${optional ? '?' : ''}: ${tsType(member.type)};`;
}

function argsOf(typeName: string, field: GraphQLField<unknown, unknown>): string {
  if (field.args.length === 0) return '';
  const members = field.args.map(inputMember).join('\n');
  return `/** Arguments of \`${typeName}.${field.name}\`. */\nexport interface ${PREFIX}${typeName}${capitalized(field.name)}Args {\n${members}\n}\n`;
}

function render(type: GraphQLNamedType): string {
  const head = doc(type.description, '');
  if (isEnumType(type))
    return `${head}export type ${named(type)} = ${type
      .getValues()
      .map((v) => `'${v.name}'`)
      .join(' | ')};\n`;
  if (isInputObjectType(type)) {
    const members = Object.values(type.getFields()).map(inputMember).join('\n');
    return `${head}export interface ${named(type)} {\n${members}\n}\n`;
  }
  if (isObjectType(type) || isInterfaceType(type)) {
    const fields = Object.values(type.getFields());
    const members = fields
      .map((f) => `${doc(f.description, '  ')}  ${f.name}: ${tsType(f.type)};`)
      .join('\n');
    const args = fields.map((f) => argsOf(type.name, f)).filter(Boolean);
    return [`${head}export interface ${named(type)} {\n${members}\n}\n`, ...args].join('\n');
  }
  return '';
}

/** The root types: every part extends them, so they get a file of their own. */
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const ROOT_FILE = 'root';

const DEFINITIONS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INPUT_OBJECT_TYPE_DEFINITION,
  Kind.ENUM_TYPE_DEFINITION,
]);

/** Which file each type goes to: the part whose SDL defines it (extensions do not count). */
function owners(): Map<string, string> {
  const owner = new Map<string, string>();
  for (const [part, sdl] of Object.entries(SDL_PARTS))
    for (const definition of parse(sdl).definitions)
      if (DEFINITIONS.has(definition.kind) && 'name' in definition && definition.name)
        owner.set(definition.name.value, ROOT_TYPES.has(definition.name.value) ? ROOT_FILE : part);
  return owner;
}

/** The schema types `type` names in its fields and their arguments. */
function referenced(type: GraphQLNamedType): GraphQLNamedType[] {
  if (isInputObjectType(type))
    return Object.values(type.getFields()).map((field) => getNamedType(field.type));
  if (!isObjectType(type) && !isInterfaceType(type)) return [];
  return Object.values(type.getFields()).flatMap((field) => [
    getNamedType(field.type),
    ...field.args.map((arg) => getNamedType(arg.type)),
  ]);
}

function importLine(names: readonly string[], file: string): string {
  const line = `import type { ${names.join(', ')} } from './${file}.ts';`;
  return line.length <= 110
    ? line
    : `import type {\n${names.map((n) => `  ${n},`).join('\n')}\n} from './${file}.ts';`;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function header(what: string): string {
  return `/**
 * @module ${what}. Generated from the server's SDL by
 * \`npm run docs:graphql\` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: \`Pick<GqlPortfolio, 'id' | 'cash'>\`,
 * with \`GqlQueryPortfolioArgs\` as its variables.
 */
`;
}

/** Every file of the SDK's GraphQL types, by name (`account.ts`, …, `root.ts`, `index.ts`). */
export function renderClientTypes(): Map<string, string> {
  const schema = buildSchema(SDL);
  const owner = owners();
  const fileOf = (type: GraphQLNamedType) => owner.get(type.name) ?? 'common';
  const byFile = new Map<string, GraphQLNamedType[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isScalarType(type)) continue;
    byFile.set(fileOf(type), [...(byFile.get(fileOf(type)) ?? []), type]);
  }
  const files = new Map<string, string>();
  for (const file of [...Object.keys(SDL_PARTS), ROOT_FILE]) {
    const types = (byFile.get(file) ?? []).sort((a, b) => byName(a.name, b.name));
    if (types.length === 0) continue;
    const imports = new Map<string, Set<string>>();
    for (const used of types.flatMap(referenced))
      if (!isScalarType(used) && fileOf(used) !== file)
        imports.set(fileOf(used), (imports.get(fileOf(used)) ?? new Set()).add(named(used)));
    const importLines = [...imports]
      .sort(([a], [b]) => byName(a, b))
      .map(([from, names]) => importLine([...names].sort(byName), from));
    const what =
      file === ROOT_FILE
        ? "The GraphQL schema's root types (queries, mutations, subscriptions) for the SDK"
        : `The GraphQL schema's ${file} types for the SDK`;
    const body = types.map(render).filter(Boolean).join('\n');
    files.set(
      `${file}.ts`,
      `${header(what)}${importLines.length > 0 ? `${importLines.join('\n')}\n` : ''}\n${body}`,
    );
  }
  const parts = [...files.keys()].map((name) => `export type * from './${name}';`);
  files.set(
    'index.ts',
    `${header("The GraphQL schema's types for the SDK, every part")}\n${parts.join('\n')}\n`,
  );
  return files;
}
