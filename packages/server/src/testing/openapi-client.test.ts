import { describe, expect, it } from 'vitest';
import { untypedAnswers } from './openapi-client.ts';

const document = {
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: {
    '/orders/{id}': {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: {
            description: 'the order',
            content: {
              'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } } } },
            },
          },
        },
      },
      delete: { responses: { 200: { description: 'gone, with no schema' } } },
    },
  },
};

describe('openapi client', () => {
  it('openapi client - a documented answer has a type; one without a schema is named', async () => {
    const complaints = await untypedAnswers(document, [
      { path: '/orders/{id}', method: 'get', status: '200' },
      { path: '/orders/{id}', method: 'delete', status: '200' },
    ]);
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toContain('DELETE /orders/{id} 200');
  }, 60_000);
});
