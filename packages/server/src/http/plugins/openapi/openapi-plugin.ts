/**
 * @module The OpenAPI 3.1 document, generated from the routes' zod schemas, served as JSON at
 * `/api/openapi.json` and as an interactive page at `/api/docs` (Swagger UI; its assets come
 * from the npm package, no CDN).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

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
  void app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    // Swagger UI would otherwise send the document to an outside validator.
    validatorUrl: false,
    uiConfig: { deepLinking: true },
    theme: { title: options.title ?? 'Tickline API' },
  });
  app.get(OPENAPI_JSON_PATH, { schema: { hide: true } }, async function openApiDocument() {
    return app.swagger();
  });
}
