/**
 * @module zod as the app's schema language: route schemas are zod, validated by
 * fastify-type-provider-zod. Responses are serialized with JSON.stringify: response schemas
 * document the API but are not re-checked at run time, where a mismatch would turn a working
 * request into a 500.
 */
import type { FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';

export function registerZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(
    () =>
      function serialize(data: unknown) {
        return JSON.stringify(data);
      },
  );
}
