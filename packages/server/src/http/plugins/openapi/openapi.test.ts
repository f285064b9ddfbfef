import { createInMemoryIdentityRepository } from '@tickline/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, GOOD_PASSWORD, type TestApi } from '../testing/test-api.ts';

interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
  >;
  components: { securitySchemes: Record<string, unknown> };
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

/** `/api/v1/api-keys/:id` → `/api/v1/api-keys/{id}` as OpenAPI writes paths. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('openapi - document and docs page', () => {
  let api: TestApi;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    api = await createTestApi({ repository: createInMemoryIdentityRepository() });
    await api.app.ready();
    const res = await api.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = JSON.parse(res.body) as OpenApiDocument;
  });
  afterAll(() => api.close());

  it('openapi - is an OpenAPI 3.1 document with the security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Tickline API');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'apiKey',
      'bearer',
      'sessionCookie',
      'streamTicket',
    ]);
  });

  it('openapi - lists every /api/v1 route with its method', () => {
    const v1 = api.routes.filter((r) => r.url.startsWith('/api/v1/'));
    expect(v1.length).toBeGreaterThan(15);
    const missing = v1.filter((r) => !doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()]);
    expect(missing).toEqual([]);
    expect(doc.paths['/api/v1/stream']?.get).toBeDefined();
  });

  it('openapi - bodies come from the zod schemas: strict objects with their fields', () => {
    const schema = doc.paths['/api/v1/auth/sign-up']!.post!.requestBody!.content['application/json']!.schema;
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(['displayName', 'email', 'password']);
    expect(schema.required?.sort()).toEqual(['email', 'password']);
    const keys = doc.paths['/api/v1/api-keys']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(keys.properties ?? {}).sort()).toEqual(['expiresInDays', 'name', 'scopes']);
  });

  it('openapi - /api/docs serves the interactive page and its assets from the package', async () => {
    const page = await api.app.inject({ url: '/api/docs' });
    const html = page.statusCode === 302 ? await api.app.inject({ url: page.headers.location! }) : page;
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('swagger-ui');
    expect(html.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const bundle = await api.app.inject({ url: '/api/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    const json = await api.app.inject({ url: '/api/docs/json' });
    expect(JSON.parse(json.body)).toMatchObject({ openapi: '3.1.0' });
  });
});

describe('validation - zod schemas on routes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi({ repository: createInMemoryIdentityRepository() });
  });
  afterAll(() => api.close());

  it('validation - unknown fields are refused, listed by name, in the one error shape', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      payload: { email: 'v@example.com', password: GOOD_PASSWORD, role: 'admin', tier: 'enterprise' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'HTTP_BAD_REQUEST',
        message: 'invalid body: unknown field(s) role, tier',
        details: {
          issues: [
            {
              in: 'body',
              path: '',
              code: 'unrecognized_keys',
              message: 'Unrecognized keys: "role", "tier"',
              keys: ['role', 'tier'],
            },
          ],
        },
      },
    });
  });

  it('validation - wrong types name the field and never echo the value', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'v@example.com', password: 12345678901234 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { details: { issues: Array<{ path: string; code: string }> } } }>();
    expect(body.error.details.issues).toMatchObject([{ path: 'password', code: 'invalid_type' }]);
    expect(res.body).not.toContain('12345678901234');
  });

  it('validation - params and query strings are validated too', async () => {
    const { tokens } = await api.identity.signUp({ email: 'p@example.com', password: GOOD_PASSWORD });
    const auth = { authorization: `Bearer ${tokens.accessToken}` };
    const params = await api.app.inject({
      method: 'DELETE',
      url: '/api/v1/api-keys/not-a-uuid',
      headers: auth,
    });
    expect(params.statusCode).toBe(400);
    expect(params.json()).toMatchObject({ error: { details: { issues: [{ in: 'params', path: 'id' }] } } });
    const query = await api.app.inject({ url: '/api/v1/auth/oidc/x/start?next=//evil', headers: auth });
    expect(query.statusCode).toBe(400);
    expect(query.json()).toMatchObject({
      error: { details: { issues: [{ in: 'querystring', keys: ['next'] }] } },
    });
  });

  it('validation - a valid request passes through to the service unchanged in meaning', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      payload: { email: ' Mixed.Case@Example.com ', password: GOOD_PASSWORD, displayName: ' Ann ' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ user: { email: 'mixed.case@example.com', displayName: 'Ann' } });
  });
});
