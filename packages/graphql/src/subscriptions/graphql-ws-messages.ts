/**
 * @module The graphql-ws wire: the two subprotocols a client may ask for (`graphql-transport-ws`,
 * graphql-ws's own, and the legacy `graphql-ws` of subscriptions-transport-ws), their message
 * types, graphql-transport-ws's close codes, and a client message read into a checked shape.
 */

/** Message types of one subprotocol, by role. */
export interface GraphqlWsTypes {
  readonly init: string;
  readonly ack: string;
  /** A client's ping (graphql-transport-ws only). */
  readonly ping: string | undefined;
  readonly pong: string | undefined;
  readonly subscribe: string;
  readonly data: string;
  readonly error: string;
  /** The server's end of a subscription. */
  readonly complete: string;
  /** The client's end of a subscription. */
  readonly stop: string;
  /** The legacy protocol's whole-connection close. */
  readonly terminate: string | undefined;
  /** The legacy protocol's refusal of the connection. */
  readonly connectionError: string;
}

const TRANSPORT_WS: GraphqlWsTypes = {
  init: 'connection_init',
  ack: 'connection_ack',
  ping: 'ping',
  pong: 'pong',
  subscribe: 'subscribe',
  data: 'next',
  error: 'error',
  complete: 'complete',
  stop: 'complete',
  terminate: undefined,
  connectionError: 'connection_error',
};

const LEGACY_WS: GraphqlWsTypes = {
  init: 'connection_init',
  ack: 'connection_ack',
  ping: undefined,
  pong: undefined,
  subscribe: 'start',
  data: 'data',
  error: 'error',
  complete: 'complete',
  stop: 'stop',
  terminate: 'connection_terminate',
  connectionError: 'connection_error',
};

/** The message types of `protocol`, or undefined for a subprotocol this server does not speak. */
export function graphqlWsTypesOf(protocol: string): GraphqlWsTypes | undefined {
  if (protocol === 'graphql-transport-ws') return TRANSPORT_WS;
  if (protocol === 'graphql-ws') return LEGACY_WS;
  return undefined;
}

/** graphql-transport-ws's close codes (graphql-ws `CloseCode`). */
export const GraphqlWsClose = {
  /** A message that is no JSON object with a known `type`, or a subscribe without id or query. */
  BadRequest: 4400,
  /** A subscribe before `connection_init`. */
  Unauthorized: 4401,
  /** A second subscribe with an id still in use. */
  SubscriberAlreadyExists: 4409,
  /** A second `connection_init`. */
  TooManyInitialisationRequests: 4429,
} as const;

/** A client message with its fields checked for the types the server reads. */
export interface ClientMessage {
  type: string;
  id: string | undefined;
  payload: Record<string, unknown> | undefined;
}

/** Reads a text frame; undefined when it is no JSON object with a string `type`. */
export function readClientMessage(data: Buffer): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, id, payload } = value as Record<string, unknown>;
  if (typeof type !== 'string') return undefined;
  return {
    type,
    id: typeof id === 'string' ? id : undefined,
    payload:
      typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined,
  };
}
