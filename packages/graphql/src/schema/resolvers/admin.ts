/**
 * @module For admins (as `/api/v1/admin`: the admin role, and an API key also needs the `admin`
 * scope; anyone else gets AUTH_FORBIDDEN on the field): zones, players (each search audited with
 * the caller) and the event log's consumer lag.
 */
import { z } from 'zod';
import { adminOf, required } from '../caller.ts';
import { connectionOf } from '../connection.ts';
import type { GraphqlServices } from '../services.ts';
import { given, type Context, type ResolverMap } from './types.ts';

/** Players a search answers at most, as `GET /admin/players`. */
const PLAYERS_LISTED = 500;
const PlayerArgs = z.object({
  query: z.string().max(200).optional(),
  online: z.boolean().optional(),
  first: z.int().min(0).optional(),
  after: z.string().optional(),
});

export function adminResolvers(services: GraphqlServices): ResolverMap {
  const asAdmin = async (field: string, context: Context) => {
    const operations = required(services.operations, field);
    const admin = await adminOf(services, context);
    return { operations, actor: { id: admin.userId, kind: admin.kind } };
  };
  return {
    Query: {
      async zones(_root: unknown, _args: unknown, context: Context) {
        const { operations } = await asAdmin('zones', context);
        return operations.zones();
      },
      async players(_root: unknown, args: Record<string, unknown>, context: Context) {
        const { operations, actor } = await asAdmin('players', context);
        const { query, online, ...page } = PlayerArgs.parse(given(args));
        const players = await operations.searchPlayers(actor, {
          ...(query === undefined ? {} : { query }),
          ...(online === undefined ? {} : { online }),
          limit: PLAYERS_LISTED,
        });
        return connectionOf(players, page);
      },
      async consumerLag(_root: unknown, _args: unknown, context: Context) {
        const { operations } = await asAdmin('consumerLag', context);
        return (await operations.streams()).consumers;
      },
    },
  };
}
