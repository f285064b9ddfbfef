/**
 * @module RequestReply over NATS core request/reply (no JetStream: answers are live state, never
 * stored). Each service is the subject `<subjectPrefix>.<service>`; bodies and answers are JSON.
 * The server answers "no responders" at once when nobody subscribes, so a missing role is a
 * prompt 503, not a timeout. One connection of its own, reconnecting forever like the log's.
 */
import { connect, errors, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { silentLogger, type Logger } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';
import {
  answer,
  checkServiceName,
  createInFlight,
  DEFAULT_RPC_GATHER_STALL_MS,
  DEFAULT_RPC_TIMEOUT_MS,
  noResponder,
  roleOf,
  settleGather,
  timedOut,
  unpack,
  type RequestReply,
  type RpcAnswer,
} from './request-reply.ts';

/** The subject prefix of every service. */
export const DEFAULT_RPC_SUBJECT_PREFIX = 'tickline.rpc';
const RECONNECT_MAX_DELAY_MS = 2_000;

/** Options for {@link createNatsRequestReply}. */
export interface NatsRequestReplyOptions {
  servers: string | string[];
  /** Keeps deployments sharing a cluster apart. @default DEFAULT_RPC_SUBJECT_PREFIX */
  subjectPrefix?: string;
  user?: string;
  pass?: string;
  token?: string;
  /** @default 5000 */
  connectTimeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function decodeAnswer(msg: Msg): RpcAnswer {
  return JSON.parse(decoder.decode(msg.data)) as RpcAnswer;
}

/** Connects and returns the port. @throws EVLOG_UNAVAILABLE when the first connect fails */
export async function createNatsRequestReply(options: NatsRequestReplyOptions): Promise<RequestReply> {
  const logger = options.logger ?? silentLogger;
  const prefix = options.subjectPrefix ?? DEFAULT_RPC_SUBJECT_PREFIX;
  const servers = Array.isArray(options.servers) ? options.servers : [options.servers];
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: 'tickline-rpc',
      timeout: options.connectTimeoutMs ?? 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_MAX_DELAY_MS / 4,
      noAsyncTraces: true,
      ...(options.user === undefined ? {} : { user: options.user }),
      ...(options.pass === undefined ? {} : { pass: options.pass }),
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  } catch (error) {
    throw new EventLogError('EVLOG_UNAVAILABLE', `cannot connect to NATS at ${servers.join(', ')}`, {
      cause: error,
    });
  }
  const subscriptions = new Set<Subscription>();
  const subjectOf = (service: string) => {
    checkServiceName(service);
    return `${prefix}.${service}`;
  };
  const isNoResponders = (error: unknown) =>
    error instanceof errors.NoRespondersError ||
    (error instanceof errors.RequestError && error.isNoResponders());
  const isTimeout = (error: unknown) =>
    error instanceof errors.TimeoutError ||
    (error instanceof errors.RequestError && error.cause instanceof errors.TimeoutError);
  return {
    async serve(service, handler, serveOptions) {
      const inFlight = createInFlight();
      const sub = nc.subscribe(subjectOf(service), {
        // A queue group: the server hands each message to one member only.
        ...(serveOptions?.group === undefined ? {} : { queue: serveOptions.group }),
        callback: (error, msg) => {
          if (error) return;
          void inFlight.track(
            (async () => {
              let body: unknown;
              try {
                body = msg.data.length === 0 ? null : JSON.parse(decoder.decode(msg.data));
              } catch {
                body = undefined;
              }
              const packed = await answer(handler, body);
              if (!msg.respond(encoder.encode(JSON.stringify(packed))))
                logger.debug({ service }, 'request had no reply subject; answer dropped');
            })(),
          );
        },
      });
      subscriptions.add(sub);
      // The subscription must reach the server before anyone is told this process serves it.
      await nc.flush();
      return {
        async close() {
          subscriptions.delete(sub);
          // Drain: the server stops sending, messages already here are still handed to the
          // callback; then the answers being worked out are waited for.
          if (!sub.isClosed()) await sub.drain().catch(() => sub.unsubscribe());
          await inFlight.settled();
          if (!nc.isClosed()) await nc.flush().catch(() => undefined);
        },
      };
    },
    async request(service, body, requestOptions) {
      const role = roleOf(service, requestOptions);
      const timeoutMs = requestOptions?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
      let msg: Msg;
      try {
        msg = await nc.request(subjectOf(service), encoder.encode(JSON.stringify(body ?? null)), {
          timeout: timeoutMs,
        });
      } catch (error) {
        if (isNoResponders(error)) throw noResponder(service, role);
        if (isTimeout(error)) throw timedOut(service, role, timeoutMs);
        throw new EventLogError('EVLOG_UNAVAILABLE', `request to ${service} failed: ${String(error)}`, {
          cause: error,
          details: { service, role },
        });
      }
      return unpack(decodeAnswer(msg), service);
    },
    async gather(service, body, gatherOptions) {
      const role = roleOf(service, gatherOptions);
      const timeoutMs = gatherOptions?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
      const answers: RpcAnswer[] = [];
      try {
        // "stall": done once no further answer came for stallMs after the last one.
        const replies = await nc.requestMany(
          subjectOf(service),
          encoder.encode(JSON.stringify(body ?? null)),
          {
            strategy: 'stall',
            stall: gatherOptions?.stallMs ?? DEFAULT_RPC_GATHER_STALL_MS,
            maxWait: timeoutMs,
          },
        );
        for await (const msg of replies) {
          // A status message (503 no responders) carries no data.
          if (msg.data.length === 0) continue;
          const answer = decodeAnswer(msg);
          answers.push(answer);
          // Leaving the loop stops the iterator: later answers are dropped.
          if (answer.ok && gatherOptions?.until?.(answer.value)) break;
        }
      } catch (error) {
        if (isNoResponders(error)) throw noResponder(service, role);
        if (!isTimeout(error))
          throw new EventLogError('EVLOG_UNAVAILABLE', `gather from ${service} failed: ${String(error)}`, {
            cause: error,
            details: { service, role },
          });
      }
      if (answers.length === 0) throw noResponder(service, role);
      return settleGather(answers, service);
    },
    async close() {
      for (const sub of subscriptions) sub.unsubscribe();
      subscriptions.clear();
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
