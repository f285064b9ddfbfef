/**
 * @module The notify routes plugin (mount under `/api/v1`): inbox, rules and settings, webhook
 * endpoints, push subscriptions, phone verification. Encapsulated: its compilers and the form
 * parser for Twilio's callback do not leak to sibling plugins. Zod schemas are inline per route.
 * Authentication comes from the composition root (`authenticate` turns a request into the acting
 * user or throws the identity error).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor, NotifyApi } from '../api/notify-api.ts';
import { registerInboxRoutes } from './inbox-routes.ts';
import { registerPushRoutes } from './push-routes.ts';
import { registerRuleRoutes } from './rule-routes.ts';
import type { RouteContext } from './route-types.ts';
import { registerWebhookRoutes } from './webhook-routes.ts';

export interface NotifyRoutesOptions {
  api: NotifyApi;
  /** The acting user of a request; throws (401) when unauthenticated. */
  authenticate: (request: FastifyRequest) => Promise<Actor>;
  /** Public URL of the server (Twilio signs the callback URL it was given). */
  publicBaseUrl?: string;
}

export const notifyRoutes: FastifyPluginAsync<NotifyRoutesOptions> = async function notifyRoutes(
  app,
  options,
) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const context: RouteContext = {
    api: options.api,
    actor: options.authenticate,
    publicBaseUrl: options.publicBaseUrl,
  };
  registerInboxRoutes(typed, context);
  registerRuleRoutes(typed, context);
  registerWebhookRoutes(typed, context);
  registerPushRoutes(typed, context);
};
