/**
 * GraphQL amplification (issue 46, finding 3): 30 aliases of a backtest's logs, equity and drawdown
 * in each of 10 batched operations cost 1 per field, re-read the row per alias and answered 163 MB.
 * List fields now weigh their size, identical reads are read once per request, the answer's bytes
 * are capped, and a costly operation takes more of the rate limit.
 */
import { defineErrorCodes } from '@tickline/kernel';
import { buildSchema, parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphqlSchema } from '../config.ts';
import { SDL } from '../schema/sdl.ts';
import { fakeAuth, fakeRunId, fakeStrategies } from '../testing/fake-services.ts';
import {
  startGraphqlTestApp,
  type GraphqlTestApp,
  type GraphqlTestAppOptions,
} from '../testing/graphql-test-app.ts';
import { LEAF_WEIGHTS } from './list-weights.ts';
import { checkOperationLimits } from './operation-limits.ts';

// The server declares it (its rate limiter throws it); this file runs without the server.
defineErrorCodes({
  HTTP_RATE_LIMITED: { meaning: 'Too many requests.', resolve: 'Wait for Retry-After.', httpStatus: 429 },
});

const schema = buildSchema(SDL);
const defaults = GraphqlSchema.parse({});
const user = { authorization: 'Bearer u1' };
const codes = (body: { errors?: Array<{ extensions?: { code?: string } }> }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

const RESULT = 'result { logs { time text } equity drawdown }';
const backtestRead = (alias: string) => `${alias}: backtest(id: "${fakeRunId(1)}") { id ${RESULT} }`;

let running: GraphqlTestApp | undefined;
afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

/** A result of 1,000 log lines of 100 characters (~130 KB answered). */
async function start(options: GraphqlTestAppOptions = {}) {
  const strategies = fakeStrategies({ count: 3, logLines: 1_000 });
  running = await startGraphqlTestApp({ auth: fakeAuth(), strategies: strategies.port }, options);
  return { ...running, reads: strategies.reads };
}

describe('graphql - amplification', () => {
  it("amplification - list fields weigh their size: a result's logs, equity and drawdown, a variable limit at its max", () => {
    const cost = (query: string) => checkOperationLimits(parse(query), defaults, schema).cost;
    // backtest, id, result, logs + 1,001 lines × (time, text), equity, drawdown.
    expect(cost(`{ ${backtestRead('a')} }`)).toBe(4 + 1_001 * 2 + 2 * LEAF_WEIGHTS['BacktestResult.equity']!);
    // A portfolio's equity is a number: the name alone weighs nothing.
    expect(cost('{ portfolio(id: "u1") { equity } }')).toBe(2);
    // Rows of numbers count once per ten; a variable limit as the most it may be (5,000).
    expect(cost('query($n: Int) { market(symbol: "X") { candles(limit: $n) { close } } }')).toBe(2 + 500);
    expect(cost('{ market(symbol: "X") { candles(limit: 100) { time close } } }')).toBe(2 + 10 * 2);
  });

  it('amplification - 30 aliases of a backtest result are refused with GRAPHQL_COST_EXCEEDED; one is answered', async () => {
    const { post } = await start();
    const aliases = Array.from({ length: 30 }, (_, i) => backtestRead(`a${i}`)).join(' ');
    const refused = await post({ query: `{ ${aliases} }` }, user);
    expect(refused.status).toBe(400);
    expect(codes(refused.body)).toEqual(['GRAPHQL_COST_EXCEEDED']);
    const one = await post({ query: `{ ${backtestRead('a')} }` }, user);
    expect(one.status).toBe(200);
    expect(one.body.data.a.result.logs).toHaveLength(1_000);
  });

  it('amplification - identical reads of a request, aliased or batched, read the row once', async () => {
    const { post, reads } = await start();
    const op = {
      query: `{ ${[0, 1, 2].map((i) => `b${i}: backtest(id: "${fakeRunId(1)}") { id }`).join(' ')} }`,
    };
    const answered = await post([op, op, op], user);
    expect(answered.status).toBe(200);
    expect(answered.body).toHaveLength(3);
    expect(reads.gets).toBe(1);
    // Another request reads again; another id is another read.
    await post(
      { query: `{ a: backtest(id: "${fakeRunId(1)}") { id } b: backtest(id: "${fakeRunId(2)}") { id } }` },
      user,
    );
    expect(reads.gets).toBe(3);
  });

  it('amplification - an answer over graphql.maxResponseBytes is refused with GRAPHQL_RESPONSE_TOO_LARGE', async () => {
    // One result answers ~130 KB; a batch's operations count together.
    const { post } = await start({ settings: { maxResponseBytes: 200 * 1024 } });
    const op = { query: `{ ${backtestRead('a')} }` };
    expect((await post(op, user)).status).toBe(200);
    const refused = await post([op, op], user);
    expect(refused.status).toBe(400);
    expect(codes(refused.body)).toEqual(['GRAPHQL_RESPONSE_TOO_LARGE']);
    expect(refused.body.errors[0].extensions.details).toEqual({ limit: 200 * 1024 });
  });

  it('amplification - a costly operation takes ceil(cost / costPerRequest) requests of the rate limit', async () => {
    const budget = { left: 20 };
    const { post } = await start({ budget });
    const query = `{ ${backtestRead('a')} }`;
    const { cost } = checkOperationLimits(parse(query), defaults, schema);
    expect(cost).toBeGreaterThan(2 * defaults.costPerRequest);
    expect((await post({ query }, user)).status).toBe(200);
    // The request itself is counted by the /api/v1 scope; the rest here.
    expect(budget.left).toBe(20 - (Math.ceil(cost / defaults.costPerRequest) - 1));
    const cheap = await post({ query: `{ a: backtest(id: "${fakeRunId(1)}") { id } }` }, user);
    expect(cheap.status).toBe(200);
    expect(budget.left).toBe(20 - (Math.ceil(cost / defaults.costPerRequest) - 1));
    // Ten costly operations in one batch spend the rest: the later ones are refused.
    const spent = await post(
      Array.from({ length: 10 }, () => ({ query })),
      user,
    );
    const refused = (spent.body as Array<{ errors?: [] }>).flatMap((answer) => codes(answer));
    expect(refused).toContain('HTTP_RATE_LIMITED');
  });
});
