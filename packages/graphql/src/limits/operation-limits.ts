/**
 * @module The limits an operation must stay within before it is validated or run: depth, aliases,
 * estimated cost and introspection. One walk over the parsed document (fragments expanded where
 * they are spread), stopped at the first limit crossed — so a fragment bomb or 10,000 aliases
 * costs at most `maxCost` visits, and graphql-js's quadratic field-merging check never sees them.
 * Given the schema, the walk knows each field's type, so list fields weigh what they answer
 * (list-weights.ts); an unknown field is left to validation and costs 1.
 */
import {
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { GraphqlError } from '../errors.ts';
import { leafWeight, objectListItems } from './list-weights.ts';

/** Page size assumed for a connection asked for without `first`/`last`, or with a variable. */
export const ASSUMED_PAGE_SIZE = 20;
/** The largest page a list argument accepts (resolvers clamp to it too). */
export const MAX_PAGE_SIZE = 100;

export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxCost: number;
  readonly introspection: boolean;
}

/** What the walk measured (for tests and logs); throws before returning when a limit is crossed. */
export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: number;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const CONNECTION_FIELDS = new Set(['edges', 'nodes']);

/** The type whose fields a selection set selects, where the schema knows it. */
type Parent = string | undefined;

/** The type `field` of `parent` answers (unwrapped of lists and non-null), if the schema has it. */
function childType(schema: GraphQLSchema | undefined, parent: Parent, field: FieldNode): Parent {
  if (schema === undefined || parent === undefined) return undefined;
  const type = schema.getType(parent);
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
  const definition = type.getFields()[field.name.value];
  return definition && getNamedType(definition.type).name;
}

function rootType(schema: GraphQLSchema | undefined, operation: OperationDefinitionNode): Parent {
  return schema?.getRootType(operation.operation)?.name;
}

/**
 * @param schema where given, list fields weigh their size (list-weights.ts)
 * @throws GraphqlError GRAPHQL_DEPTH_EXCEEDED, _ALIASES_EXCEEDED, _COST_EXCEEDED, _INTROSPECTION_DISABLED
 */
export function checkOperationLimits(
  document: DocumentNode,
  limits: OperationLimits,
  schema?: GraphQLSchema,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const measure: OperationMeasure = { depth: 0, aliases: 0, cost: 0 };

  function visitField(
    field: FieldNode,
    parent: Parent,
    depth: number,
    multiplier: number,
    spreading: Set<string>,
  ): void {
    if (field.alias && ++measure.aliases > limits.maxAliases)
      throw new GraphqlError('GRAPHQL_ALIASES_EXCEEDED', `more than ${limits.maxAliases} aliases`, {
        details: { limit: limits.maxAliases },
      });
    if (!limits.introspection && INTROSPECTION_FIELDS.has(field.name.value))
      throw new GraphqlError('GRAPHQL_INTROSPECTION_DISABLED', 'introspection is off on this server');
    if (field.name.value === '__typename') return;
    if (depth > measure.depth) measure.depth = depth;
    if (depth > limits.maxDepth)
      throw new GraphqlError('GRAPHQL_DEPTH_EXCEEDED', `deeper than ${limits.maxDepth} levels`, {
        details: { limit: limits.maxDepth },
      });
    measure.cost += field.selectionSet ? multiplier : multiplier * leafWeight(parent, field);
    if (measure.cost > limits.maxCost)
      throw new GraphqlError('GRAPHQL_COST_EXCEEDED', `estimated cost over ${limits.maxCost}`, {
        details: { limit: limits.maxCost },
      });
    if (field.selectionSet) {
      const items = objectListItems(parent, field) ?? pageSize(field);
      visitSet(
        field.selectionSet,
        childType(schema, parent, field),
        depth + 1,
        multiplier * items,
        spreading,
      );
    }
  }

  function visitSet(
    set: SelectionSetNode,
    parent: Parent,
    depth: number,
    multiplier: number,
    spreading: Set<string>,
  ): void {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) visitField(selection, parent, depth, multiplier, spreading);
      else if (selection.kind === Kind.INLINE_FRAGMENT)
        visitSet(
          selection.selectionSet,
          selection.typeCondition?.name.value ?? parent,
          depth,
          multiplier,
          spreading,
        );
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A cycle is a validation error reported later; here it only must not loop.
        if (!fragment || spreading.has(name)) continue;
        spreading.add(name);
        visitSet(fragment.selectionSet, fragment.typeCondition.name.value, depth, multiplier, spreading);
        spreading.delete(name);
      }
    }
  }

  for (const definition of document.definitions)
    if (definition.kind === Kind.OPERATION_DEFINITION)
      visitSet(definition.selectionSet, rootType(schema, definition), 1, 1, new Set());
  return measure;
}

/** How many items a field's children are counted for: its `first`/`last`, or an assumed page. */
function pageSize(field: FieldNode): number {
  for (const argument of field.arguments ?? []) {
    if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
    if (argument.value.kind === Kind.INT) return Math.min(Number(argument.value.value), MAX_PAGE_SIZE);
    return ASSUMED_PAGE_SIZE;
  }
  const isConnection = field.selectionSet?.selections.some(
    (s) => s.kind === Kind.FIELD && CONNECTION_FIELDS.has(s.name.value),
  );
  return isConnection ? ASSUMED_PAGE_SIZE : 1;
}
