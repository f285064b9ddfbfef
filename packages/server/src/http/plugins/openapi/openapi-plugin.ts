/**
 * @module The OpenAPI 3.1 document, generated from the routes' zod schemas, served as JSON at
 * `/api/openapi.json` and as an interactive page at `/api/docs` (Swagger UI; its assets come
 * from the npm package, no CDN).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { PUBLIC_ROUTE } from '../../route-scopes.ts';

export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

/** Options for {@link registerOpenApi}. */
export interface OpenApiOptions {
  /** @default 'Tickline API' */
  title?: string;
  /** The API's version in the document. @default '1' */
  version?: string;
}

/** Security schemes routes refer to in `security`. */
export const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
  // The stream routes: EventSource sends no headers, so a short-lived ticket or the session cookie.
  streamTicket: { type: 'apiKey', in: 'query', name: 'ticket' },
  sessionCookie: { type: 'apiKey', in: 'cookie', name: 'tickline_session' },
} as const;

/** Registers the document generator and both endpoints; call before any route is added. */
export function registerOpenApi(app: FastifyInstance, options: OpenApiOptions = {}): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title ?? 'Tickline API',
        version: options.version ?? '1',
        description:
          'Errors are `{ "error": { "code", "message", "details" } }`; codes are listed in docs/errors.md.',
      },
      components: { securitySchemes: { ...SECURITY_SCHEMES } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // Swagger UI adds its page and assets itself: they are declared public here, where it is added.
  void app.register(async function docsPage(docs) {
    docs.addHook('onRoute', function declarePublic(route) {
      route.config = { ...route.config, ...PUBLIC_ROUTE.config };
    });
    await docs.register(swaggerUi, {
      routePrefix: DOCS_PATH,
      // Swagger UI would otherwise send the document to an outside validator.
      validatorUrl: false,
      uiConfig: { deepLinking: true },
      theme: { title: options.title ?? 'Tickline API' },
    });
  });
  const publicDocument = { ...PUBLIC_ROUTE, schema: { hide: true } };
  app.get(OPENAPI_JSON_PATH, publicDocument, async function openApiDocument() {
    return app.swagger();
  });
}
