/**
 * @module The graphql-ws protocol of one connection, spoken here rather than by Mercurius: Mercurius
 * kept, per connection, an `events.on()` iterator over the socket's messages (two 2,048-slot
 * queues, ~32 KB), a parsed copy of each subscription's document, the upgrade's reply and hook
 * context, and per subscription a Readable and graphql-js's mapped iterator — 60 KB a connection
 * where the WebSocket API's costs ~4. Here a connection holds its session, a map of its
 * subscriptions and their {@link HubStream}s; documents are parsed and checked once per text
 * (shared by every connection that sends it), and a subscription's source stream is the resolver's
 * own, created with graphql-js's `createSourceEventStream` (its events never pass through graphql-js:
 * each stream writes its frames, shared-execution.ts).
 */
import type { FastifyRequest } from 'fastify';
import {
  createSourceEventStream,
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { codedGraphqlError } from '../module/coded-error.ts';
import { GraphqlWsClose, type ClientMessage, type GraphqlWsTypes } from './graphql-ws-messages.ts';
import type { StreamWatcher } from './hub-stream.ts';

/** What every connection of one endpoint shares. */
export interface OperationsHost {
  /** The executable schema (Mercurius's, with the Subscription resolvers). */
  schema(): GraphQLSchema;
  /**
   * The document of `query`, parsed, within the limits and valid against the schema; one object
   * per text while it is cached.
   * @throws GraphQLError coded GRAPHQL_INVALID_QUERY, GRAPHQL_DEPTH_EXCEEDED, …
   */
  document(query: string): DocumentNode;
}

/** What the protocol asks of the connection it runs on. */
export interface OperationsConnection {
  readonly types: GraphqlWsTypes;
  readonly closed: boolean;
  /** The upgrade request with the `connection_init` credentials (ws-session.ts). */
  readonly request: FastifyRequest;
  /** The execution context resolvers see for the subscription `id`. */
  contextOf(id: string): object;
  send(message: object): void;
  /** Closes the socket with a graphql-ws close code. */
  closeWith(code: number, reason: string): void;
  initialise(payload: Record<string, unknown> | undefined): void;
  readonly initialised: boolean;
}

/** A subscription's source: the resolver's HubStream, or null while it is being created. */
type Source = AsyncIterator<unknown> | null;

/** Subscriptions of one connection by graphql-ws id. */
export type Operations = Map<string, Source>;

/** One client message on `connection`. */
export function handleClientMessage(
  host: OperationsHost,
  connection: OperationsConnection,
  operations: Operations,
  message: ClientMessage,
): void {
  const types = connection.types;
  switch (message.type) {
    case types.init:
      if (connection.initialised)
        return connection.closeWith(
          GraphqlWsClose.TooManyInitialisationRequests,
          'Too many initialisation requests',
        );
      connection.initialise(message.payload);
      return connection.send({ type: types.ack });
    case types.ping:
      return connection.send({ type: types.pong });
    case types.pong:
      return;
    case types.subscribe:
      return subscribe(host, connection, operations, message);
    case types.stop:
      if (message.id !== undefined) stop(operations, message.id);
      return;
    case types.terminate:
      return connection.closeWith(1000, 'terminated');
    default:
      return connection.closeWith(GraphqlWsClose.BadRequest, `Invalid message type "${message.type}"`);
  }
}

/** Ends every subscription of a closed connection. */
export function stopAll(operations: Operations): void {
  for (const id of [...operations.keys()]) stop(operations, id);
}

function stop(operations: Operations, id: string): void {
  const source = operations.get(id);
  operations.delete(id);
  void source?.return?.();
}

function subscribe(
  host: OperationsHost,
  connection: OperationsConnection,
  operations: Operations,
  message: ClientMessage,
): void {
  const types = connection.types;
  if (!connection.initialised) {
    if (types.ping === undefined) {
      connection.send({
        type: types.connectionError,
        payload: { message: 'Connection has not been established yet.' },
      });
      return connection.closeWith(1000, 'not initialised');
    }
    return connection.closeWith(GraphqlWsClose.Unauthorized, 'Unauthorized');
  }
  const { id, payload } = message;
  const query = payload?.['query'];
  if (id === undefined || typeof query !== 'string')
    return connection.closeWith(GraphqlWsClose.BadRequest, 'A subscribe needs an id and a query');
  if (operations.has(id))
    return connection.closeWith(
      GraphqlWsClose.SubscriberAlreadyExists,
      `Subscriber for ${id} already exists`,
    );
  operations.set(id, null);
  start(host, connection, operations, id, payload!).catch((error: unknown) => {
    if (operations.get(id) === null) operations.delete(id);
    if (!connection.closed)
      connection.send({ type: types.error, id, payload: [codedGraphqlError(error).toJSON()] });
  });
}

async function start(
  host: OperationsHost,
  connection: OperationsConnection,
  operations: Operations,
  id: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const document = host.document(payload['query'] as string);
  const operationName = typeof payload['operationName'] === 'string' ? payload['operationName'] : undefined;
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== OperationTypeNode.SUBSCRIPTION)
    throw new GraphQLError(
      'only subscriptions are served over WebSocket; send queries and mutations over HTTP',
      {
        extensions: { code: 'GRAPHQL_INVALID_QUERY' },
      },
    );
  const variables = payload['variables'];
  const result = await createSourceEventStream({
    schema: host.schema(),
    document,
    rootValue: {},
    contextValue: connection.contextOf(id),
    variableValues:
      typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : {},
    operationName,
  });
  if (!isAsyncIterable(result)) throw result.errors?.[0] ?? new Error('subscription failed');
  const source = result[Symbol.asyncIterator]();
  // The client completed it, or the connection closed, while the resolver ran.
  if (operations.get(id) !== null || connection.closed) {
    await source.return?.();
    return;
  }
  operations.set(id, source);
  settleWith(connection, operations, id, source);
}

/** A source that says when it ends without a pending `next()` (hub-stream.ts). */
interface Watchable {
  watch(watcher: StreamWatcher): void;
}

/**
 * Sends `complete` when the stream ends on its own, its error when it fails, nothing when the
 * client stopped it. The stream yields nothing (its frames are written as events come): a
 * HubStream is watched (one small object per subscription), any other source waited on
 * with one pending `next()`, not a suspended async function holding its frame.
 */
function settleWith(
  connection: OperationsConnection,
  operations: Operations,
  id: string,
  source: AsyncIterator<unknown>,
): void {
  const settle = new Settle(connection, operations, id, source);
  if (isWatchable(source)) return source.watch(settle);
  source.next().then(
    (step) => (step.done ? settle.ended(undefined) : settleWith(connection, operations, id, source)),
    (error: unknown) => settle.ended(error ?? new Error('subscription failed')),
  );
}

/** The end of one subscription, as {@link settleWith} reports it. */
class Settle implements StreamWatcher {
  readonly connection: OperationsConnection;
  readonly operations: Operations;
  readonly id: string;
  readonly source: AsyncIterator<unknown>;

  constructor(
    connection: OperationsConnection,
    operations: Operations,
    id: string,
    source: AsyncIterator<unknown>,
  ) {
    this.connection = connection;
    this.operations = operations;
    this.id = id;
    this.source = source;
  }

  ended(failure: unknown): void {
    const { connection, operations, id } = this;
    if (operations.get(id) !== this.source) return;
    operations.delete(id);
    if (failure === undefined) connection.send({ type: connection.types.complete, id });
    else
      connection.send({ type: connection.types.error, id, payload: [codedGraphqlError(failure).toJSON()] });
  }
}

function isWatchable(source: object): source is Watchable {
  return typeof (source as Partial<Watchable>).watch === 'function';
}

function isAsyncIterable(value: object): value is AsyncIterable<unknown> {
  return Symbol.asyncIterator in value;
}
