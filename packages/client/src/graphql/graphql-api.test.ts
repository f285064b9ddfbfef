import { describe, expect, it } from 'vitest';
import { createTicklineClient } from '../client.ts';
import { graphqlDocument, type GqlPortfolio, type GqlQueryPortfolioArgs } from './index.ts';

/** A server that answers each POST with the next canned status and body, recording what it got. */
function cannedServer(answers: Array<{ status: number; body: unknown }>) {
  const received: Array<{ url: string; headers: Record<string, string>; body: unknown }> = [];
  const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    received.push({
      url,
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      body: JSON.parse(init?.body as string),
    });
    const { status, body } = answers.shift()!;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, received };
}

const Cash = graphqlDocument<{ portfolio: Pick<GqlPortfolio, 'id' | 'cash'> | null }, GqlQueryPortfolioArgs>(
  'query($id: ID!) { portfolio(id: $id) { id cash } }',
);

describe('client - graphql', () => {
  it('graphql - sends the document with the API key and resolves typed data', async () => {
    const server = cannedServer([{ status: 200, body: { data: { portfolio: { id: 'u1', cash: 10 } } } }]);
    const client = createTicklineClient({ baseUrl: 'http://api.test', fetch: server.fetch, apiKey: 'tkl_x' });
    const data = await client.graphql.data(Cash, { id: 'u1' });
    expect(data.portfolio?.cash).toBe(10);
    expect(server.received[0]).toMatchObject({
      url: 'http://api.test/api/v1/graphql',
      headers: { 'x-api-key': 'tkl_x' },
      body: { query: Cash.query, variables: { id: 'u1' } },
    });
  });

  it('graphql - a refused field comes back with its code while the rest stands; data() rejects with it', async () => {
    const refused = {
      data: { portfolio: null },
      errors: [
        {
          message: 'no portfolio u2',
          path: ['portfolio'],
          extensions: { code: 'STRATEGY_PORTFOLIO_NOT_FOUND' },
        },
      ],
    };
    const server = cannedServer([
      { status: 200, body: refused },
      { status: 200, body: refused },
    ]);
    const client = createTicklineClient({ baseUrl: 'http://api.test', fetch: server.fetch, apiKey: 'tkl_x' });
    const result = await client.graphql.request(Cash, { id: 'u2' });
    expect(result).toEqual({
      data: { portfolio: null },
      errors: [{ code: 'STRATEGY_PORTFOLIO_NOT_FOUND', message: 'no portfolio u2', path: ['portfolio'] }],
    });
    await expect(client.graphql.data(Cash, { id: 'u2' })).rejects.toMatchObject({
      code: 'STRATEGY_PORTFOLIO_NOT_FOUND',
      details: { path: ['portfolio'] },
    });
  });

  it('graphql - a refused operation rejects with its code and status; public fields need no session', async () => {
    const server = cannedServer([
      {
        status: 400,
        body: {
          data: null,
          errors: [{ message: 'deeper than 12 levels', extensions: { code: 'GRAPHQL_DEPTH_EXCEEDED' } }],
        },
      },
    ]);
    const client = createTicklineClient({ baseUrl: 'http://api.test', fetch: server.fetch });
    const Markets = graphqlDocument<{ markets: { nodes: Array<{ symbol: string }> } }>(
      '{ markets { nodes { symbol } } }',
    );
    await expect(client.graphql.data(Markets)).rejects.toMatchObject({
      code: 'GRAPHQL_DEPTH_EXCEEDED',
      status: 400,
    });
    // Anonymous: no credentials were sent.
    expect(server.received[0]!.headers).not.toHaveProperty('authorization');
  });
});
