/** @module The JSON scalar: values pass through as REST answers them. */
import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value, shaped as REST answers it.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
