/**
 * @module The Subscription fields: each names the WebSocket API's channel it reads (so the channel
 * rules decide who may: market channels with market:read for keys, the caller's own `user:{id}`,
 * a strategy's signals for its owner) and which of the channel's events it wants. Each subscribe
 * is an operation counted against the caller's rate limit, like an HTTP request.
 */
import { Channel, EventType } from '@tickline/protocol';
import type { HubMessage } from '@tickline/realtime';
import type { ExecutionResult, GraphQLResolveInfo } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { callerOfRequest, requestOf, required } from '../schema/caller.ts';
import { subscriptionScope } from '../schema/field-scopes.ts';
import type { GraphqlServices } from '../schema/services.ts';
import { codedGraphqlError } from '../module/coded-error.ts';
import { formatErrors } from '../module/error-formatter.ts';
import type { OperationCounter } from '../module/operation-counter.ts';
import { STREAM_RESET, type StreamItem } from './hub-stream.ts';
import { SharedExecutions } from './shared-execution.ts';
import type { GraphqlWsSession, StreamSpec } from './ws-session.ts';

/** The session a subscription's context carries (ws-session.ts `contextOf`). */
export interface SessionContext {
  graphqlWs?: GraphqlWsSession;
}

const ORDER_TYPES: ReadonlySet<string> = new Set([
  EventType.OrderPlaced,
  EventType.OrderFilled,
  EventType.OrderCancelled,
  EventType.OrderRejected,
]);
const BACKTEST_TYPES: ReadonlySet<string> = new Set([
  EventType.BacktestProgress,
  EventType.BacktestCompleted,
]);

/** Keeps the events of `types`, and the reset marker. */
const ofTypes = (types: ReadonlySet<string>) => (message: HubMessage) => types.has(message.type);

type Args = Record<string, string | null | undefined>;
type SpecOf = (args: Args, userId: string) => StreamSpec;

/** The event's payload fields, or none for a reset. */
const payload = (item: StreamItem) =>
  item.type === STREAM_RESET ? {} : ((item.data ?? {}) as Record<string, unknown>);
const envelope = (item: StreamItem) => ({ eventId: item.eventId, type: item.type });

/** The payload graphql-ws sends for a result: as is, or with its errors coded as on HTTP. */
const formatterOf = (context: MercuriusContext) => (result: ExecutionResult) =>
  result.errors !== undefined && result.errors.length > 0
    ? formatErrors({ ...result, errors: result.errors }, context).response
    : result;

/**
 * @param shares where subscriptions that sent the same document share its execution per event
 * (one per endpoint; a test passes its own to count executions).
 */
export function subscriptionResolvers(
  services: GraphqlServices,
  operations: OperationCounter,
  shares = new SharedExecutions(),
) {
  function field(name: string, specOf: SpecOf, view: (item: StreamItem) => unknown) {
    // Declared in the schema's one table; a field without one stops the server here.
    const scope = subscriptionScope(name);
    return {
      async subscribe(_root: unknown, args: Args, context: MercuriusContext, info: GraphQLResolveInfo) {
        try {
          const session = required((context as SessionContext).graphqlWs, 'subscriptions');
          // The upgrade request with the connection's `connection_init` credentials (ws-session.ts).
          const request = requestOf(context);
          const principal = await session.admit(() => callerOfRequest(services, request));
          // The connection is admitted once, for any field; each subscription checks its own scope.
          await callerOfRequest(services, request, scope);
          await operations.count(request, 1);
          // The graphql-ws message id is in the execution context (ws-session.ts `contextOf`).
          const id = String((context as { id?: unknown }).id);
          const share = shares.join({
            info,
            context,
            connectionKey: session.key,
            format: formatterOf(context),
          });
          try {
            return await session.open(principal, specOf(args, principal.userId), { id, share });
          } catch (error) {
            share.release();
            throw error;
          }
        } catch (error) {
          // graphql-ws answers a failed subscribe with the error as given: carry the code.
          throw codedGraphqlError(error);
        }
      },
      // Called by the share's execution with the event as root value; reads nothing else (the
      // share counts on it: shared-execution.ts).
      resolve: view,
    };
  }
  const after = (args: Args) => args.after ?? undefined;
  return {
    Subscription: {
      ticker: field(
        'ticker',
        (args) => ({ channel: Channel.marketTicker(String(args.symbol)), after: after(args) }),
        (item) => ({ ...envelope(item), ticker: item.type === STREAM_RESET ? null : item.data }),
      ),
      candles: field(
        'candles',
        (args) => ({
          channel: `market:${String(args.symbol)}:candles:${String(args.interval)}`,
          after: after(args),
        }),
        (item) => ({ ...envelope(item), candle: item.type === STREAM_RESET ? null : item.data }),
      ),
      signals: field(
        'signals',
        (args) => ({ channel: `strategy:${String(args.strategyId)}:signals`, after: after(args) }),
        (item) => ({ ...envelope(item), signal: item.type === STREAM_RESET ? null : item.data }),
      ),
      orderUpdates: field(
        'orderUpdates',
        (args, userId) => ({
          channel: Channel.user(userId),
          after: after(args),
          filter: ofTypes(ORDER_TYPES),
        }),
        (item) => {
          const { type: orderType, ...order } = payload(item);
          return { ...order, ...envelope(item), orderType };
        },
      ),
      inbox: field(
        'inbox',
        (args, userId) => ({
          channel: Channel.user(userId),
          after: after(args),
          filter: ofTypes(new Set([EventType.NotificationInboxAdded])),
        }),
        (item) => {
          const { unread, ...entry } = payload(item);
          return {
            ...envelope(item),
            entry: item.type === STREAM_RESET ? null : { ...entry, readAt: null },
            unread,
          };
        },
      ),
      backtestProgress: field(
        'backtestProgress',
        (args, userId) => ({
          channel: Channel.user(userId),
          after: after(args),
          filter: (message) =>
            BACKTEST_TYPES.has(message.type) &&
            (!args.backtestId || (message.data as { backtestId?: string }).backtestId === args.backtestId),
        }),
        (item) => ({ ...payload(item), ...envelope(item) }),
      ),
    },
  };
}
