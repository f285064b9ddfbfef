/** @module The caller and its API keys (any credential, as `/api/v1/me` and `/api/v1/api-keys`). */
import { callerOf, requestOf, required } from '../caller.ts';
import { connectionOf, type ConnectionArgs } from '../connection.ts';
import type { GraphqlServices } from '../services.ts';
import type { Context, ResolverMap } from './types.ts';

export function accountResolvers(services: GraphqlServices): ResolverMap {
  return {
    Query: {
      me: (_root: unknown, _args: unknown, context: Context) => callerOf(services, context),
      async apiKeys(_root: unknown, args: ConnectionArgs, context: Context) {
        const list = required(services.apiKeys, 'apiKeys');
        await callerOf(services, context);
        return connectionOf(await list(requestOf(context)), args);
      },
    },
  };
}
