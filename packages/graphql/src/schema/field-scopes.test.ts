import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SDL } from './sdl.ts';
import { declaredScopes, FIELD_SCOPES, subscriptionScope, type FieldScopes } from './field-scopes.ts';

const schema = buildSchema(SDL);

describe('graphql - every root field declares its scope', () => {
  it('scopes - the schema served: every Query, Mutation and Subscription field has one', () => {
    const declared = declaredScopes(schema);
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap(
      (type) => Object.keys(type?.getFields() ?? {}),
    );
    expect(declared).toHaveLength(fields.length);
    // Nothing that reads a user's data is left to "any credential".
    const open = declared.filter((d) => d.scope === 'public' || d.scope === 'authenticated');
    expect(open.map((d) => `${d.type}.${d.field}`).sort()).toEqual([
      'Query.market',
      'Query.markets',
      'Query.me',
      'Query.ticker',
    ]);
  });

  it('scopes - a made-up field without a declaration stops the start, naming it', () => {
    const extended = buildSchema(`${SDL}\nextend type Query { secrets: [String!]! }`);
    expect(() => declaredScopes(extended)).toThrow(/Query\.secrets declares no scope/);
  });

  it('scopes - a declaration the schema no longer has is refused too (a rename loses no rule)', () => {
    const stale: FieldScopes = {
      ...FIELD_SCOPES,
      Mutation: { ...FIELD_SCOPES.Mutation, placeOrders: 'portfolio:write' },
    };
    expect(() => declaredScopes(schema, stale)).toThrow(
      /Mutation\.placeOrders, which the schema does not have/,
    );
  });

  it('scopes - a subscription needs an API key scope, not public or the admin hand', () => {
    expect(subscriptionScope('inbox')).toBe('notifications:read');
    const open: FieldScopes = {
      ...FIELD_SCOPES,
      Subscription: { ...FIELD_SCOPES.Subscription, inbox: 'public' },
    };
    expect(() => subscriptionScope('inbox', open)).toThrow(/must declare an API key scope/);
  });
});
