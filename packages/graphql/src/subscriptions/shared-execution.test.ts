/**
 * Shared executions on a schema of their own: one whose event fields resolve by default, and one
 * field (`Quote.mine`) whose resolver reads the caller, as a field that checks rights would.
 */
import {
  buildSchema,
  parse,
  subscribe,
  type ExecutionResult,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { SharedExecutions, type SharedExecution } from './shared-execution.ts';

const schema = buildSchema(`
  type Quote { symbol: String! price: Float! mine: String }
  type Query { ok: Boolean }
  type Subscription { quote(symbol: String!): Quote! }
`);
interface Caller {
  userId: string;
}
const views = { count: 0 };
schema.getSubscriptionType()!.getFields()['quote']!.resolve = (event: unknown) => (views.count++, event);
// Reads the caller: a result that must never reach another caller.
(schema.getType('Quote') as GraphQLObjectType).getFields()['mine']!.resolve = (
  _event: unknown,
  _args: unknown,
  context: unknown,
) => {
  const { caller } = context as { caller?: Caller };
  return caller ? `for ${caller.userId}` : null;
};

const format = (result: ExecutionResult) => result;

/** Joins `shares` the way the subscribe resolver does, through graphql-js's own subscribe. */
async function join(
  shares: SharedExecutions,
  query: string,
  options: { caller: Caller; connection: string; variables?: Record<string, unknown> },
): Promise<SharedExecution> {
  let joined: SharedExecution | undefined;
  schema.getSubscriptionType()!.getFields()['quote']!.subscribe = (
    _root: unknown,
    _args: unknown,
    context: unknown,
    info: GraphQLResolveInfo,
  ) => {
    joined = shares.join({ info, context: context as object, connectionKey: options.connection, format });
    return (async function* idle() {})();
  };
  await subscribe({
    schema,
    document: parse(query),
    contextValue: { caller: options.caller },
    variableValues: options.variables ?? {},
  });
  return joined!;
}

const payloadOf = (share: SharedExecution, event: object) =>
  JSON.parse(`{${(share.bodyOf(event, (e) => e) as Buffer).toString().slice(1)}`) as { payload: unknown };

describe('shared execution - one execution per event and audience', () => {
  it('same document and variables - every subscriber shares one execution per event', async () => {
    const shares = new SharedExecutions();
    const query = 'subscription($s: String!) { quote(symbol: $s) { symbol price } }';
    const joined = await Promise.all(
      ['a', 'b', 'c'].map((userId, i) =>
        join(shares, query, { caller: { userId }, connection: `c${i}`, variables: { s: 'BTC' } }),
      ),
    );
    expect(new Set(joined).size).toBe(1);
    const share = joined[0]!;
    views.count = 0;
    const event = { symbol: 'BTC', price: 1 };
    const bodies = joined.map((s) => s.bodyOf(event, (e) => e));
    expect(bodies[0]).toBe(bodies[2]);
    expect(share.executions).toBe(1);
    expect(views.count).toBe(1);
    expect(payloadOf(share, event)).toEqual({ payload: { data: { quote: { symbol: 'BTC', price: 1 } } } });
    void share.bodyOf({ symbol: 'BTC', price: 2 }, (e) => e);
    expect(share.executions).toBe(2);
  });

  it('different variables or documents - separate executions', async () => {
    const shares = new SharedExecutions();
    const query = 'subscription($s: String!) { quote(symbol: $s) { symbol price } }';
    const btc = await join(shares, query, {
      caller: { userId: 'a' },
      connection: 'c1',
      variables: { s: 'BTC' },
    });
    const eth = await join(shares, query, {
      caller: { userId: 'a' },
      connection: 'c1',
      variables: { s: 'ETH' },
    });
    const other = await join(shares, 'subscription { quote(symbol: "BTC") { price } }', {
      caller: { userId: 'a' },
      connection: 'c1',
    });
    expect(new Set([btc, eth, other]).size).toBe(3);
    expect(shares.size).toBe(3);
    for (const share of [btc, eth, other]) share.release();
    expect(shares.size).toBe(0);
  });

  it('a field that reads the caller - shared within a connection only, never across callers', async () => {
    const shares = new SharedExecutions();
    const query = 'subscription { quote(symbol: "BTC") { price mine } }';
    const alice = await join(shares, query, { caller: { userId: 'alice' }, connection: 'c1' });
    const aliceAgain = await join(shares, query, { caller: { userId: 'alice' }, connection: 'c1' });
    const bob = await join(shares, query, { caller: { userId: 'bob' }, connection: 'c2' });
    expect(aliceAgain).toBe(alice);
    expect(bob).not.toBe(alice);
    const event = { symbol: 'BTC', price: 1 };
    expect(payloadOf(alice, event)).toEqual({
      payload: { data: { quote: { price: 1, mine: 'for alice' } } },
    });
    expect(payloadOf(bob, event)).toEqual({ payload: { data: { quote: { price: 1, mine: 'for bob' } } } });
  });

  it("fragments - their fields are checked like the operation's", async () => {
    const shares = new SharedExecutions();
    const query = 'subscription { quote(symbol: "BTC") { ...q } } fragment q on Quote { price }';
    const share = await join(shares, query, { caller: { userId: 'alice' }, connection: 'c1' });
    expect(await join(shares, query, { caller: { userId: 'bob' }, connection: 'c2' })).toBe(share);
    const reads = await join(
      shares,
      'subscription { quote(symbol: "BTC") { ...q } } fragment q on Quote { mine }',
      {
        caller: { userId: 'bob' },
        connection: 'c2',
      },
    );
    expect(payloadOf(reads, { symbol: 'BTC', price: 1 })).toEqual({
      payload: { data: { quote: { mine: 'for bob' } } },
    });
  });
});
