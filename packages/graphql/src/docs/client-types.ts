/**
 * @module The SDK's GraphQL types (packages/client/src/graphql/schema.generated.ts), printed from
 * the schema the server builds, so they cannot drift: every object, interface, input and enum as
 * a `Gql`-named TypeScript type (nullable fields `| null`), and each field's arguments as
 * `Gql<Type><Field>Args`. A test compares the file; `npm run docs:graphql` regenerates it.
 */
import {
  buildSchema,
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
import { SDL } from '../schema/sdl.ts';

/** Where the SDK keeps them. */
export const CLIENT_TYPES_FILE = new URL('../../../client/src/graphql/schema.generated.ts', import.meta.url);

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

export function renderClientTypes(): string {
  const schema = buildSchema(SDL);
  const types = Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !isScalarType(t))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `/**
 * @module The GraphQL schema's types for the SDK, generated from the server's SDL by
 * \`npm run docs:graphql\` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects:
 * \`Pick<GqlPortfolio, 'id' | 'cash'>\`, with \`GqlQueryPortfolioArgs\` as its variables.
 */

${types.map(render).filter(Boolean).join('\n')}`;
}
