/**
 * @module The RequestReply port: ask the process that owns some state (a zone, a live strategy,
 * a notification queue) and get its answer, or a coded error naming the role that did not
 * answer. Services are dotted names (`game.zone.zone-1`); several processes may serve one name,
 * `request` takes the first answer and `gather` every answer. Bodies and answers are plain JSON
 * values. Adapters: in-process (the embedded default, tests) and NATS core request/reply.
 */
import { TicklineError, type TicklineErrorOptions } from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';

/** Time a request waits for its answer. */
export const DEFAULT_RPC_TIMEOUT_MS = 2_000;
/** Time `gather` waits for further answers once one arrived (responders answer together). */
export const DEFAULT_RPC_GATHER_STALL_MS = 200;

/** Answers one request; a thrown Tickline error reaches the caller with its code and details. */
export type RequestHandler = (body: unknown) => unknown;

/**
 * A served name. `close()` stops taking requests, answers those already taken, then resolves: a
 * process on its way down hands no caller a dropped request (the drain of a blue/green release).
 */
export interface Responder {
  close(): Promise<void>;
}

/** Options of {@link RequestReply.serve}. */
export interface ServeOptions {
  /**
   * Responders of one group share the service's requests: each request (and each gather) reaches
   * one member of the group, never all (a NATS queue group). Use it where answering twice would
   * act twice — a forwarded `POST` must create one strategy, not one per process. Without a group
   * every responder hears every request and the first answer wins.
   */
  group?: string;
}

/** Options of one request. */
export interface RequestOptions {
  /** @default DEFAULT_RPC_TIMEOUT_MS */
  timeoutMs?: number;
  /** The role that owns the service, named in the error when none answers. @default the service's first segment */
  role?: string;
}

/** Options of a gather. */
export interface GatherOptions extends RequestOptions {
  /** @default DEFAULT_RPC_GATHER_STALL_MS */
  stallMs?: number;
  /**
   * Done at the first answer this accepts, without waiting for the others (a request only one
   * responder can satisfy: the holder of an order answers, the rest answer null).
   */
  until?: (answer: unknown) => boolean;
}

/** The port. */
export interface RequestReply {
  /** Answers requests for `service` with `handler` until the responder is closed. */
  serve(service: string, handler: RequestHandler, options?: ServeOptions): Promise<Responder>;
  /**
   * The first answer. @throws EVLOG_RPC_NO_RESPONDER when nobody serves `service`,
   * EVLOG_RPC_TIMEOUT when nobody answered in time, the responder's own coded error otherwise.
   */
  request(service: string, body: unknown, options?: RequestOptions): Promise<unknown>;
  /**
   * Every responder's answer (a failing responder is left out unless all fail).
   * @throws EVLOG_RPC_NO_RESPONDER when nobody serves `service`
   */
  gather(service: string, body: unknown, options?: GatherOptions): Promise<unknown[]>;
  close(): Promise<void>;
}

/** An error a responder threw, as the caller sees it: the responder's code, message and details. */
export class RemoteError extends TicklineError {
  override name = 'RemoteError';
}

/** How an answer travels: a value, or the responder's error. */
export type RpcAnswer =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

const SERVICE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Refuses names that are not dotted tokens (they become NATS subjects). */
export function checkServiceName(service: string): void {
  if (!SERVICE_NAME.test(service))
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', `not a service name: ${JSON.stringify(service)}`, {
      details: { argument: 'service', service },
    });
}

/** Runs a handler and packs its outcome; an error without a code travels as RPC_HANDLER_FAILED. */
export async function answer(handler: RequestHandler, body: unknown): Promise<RpcAnswer> {
  try {
    // JSON round trip: in-process answers must look exactly like the ones that crossed a wire.
    const value: unknown = await handler(body);
    return { ok: true, value: value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown) };
  } catch (error) {
    if (error instanceof TicklineError)
      return {
        ok: false,
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details }),
        },
      };
    return {
      ok: false,
      error: {
        code: 'EVLOG_HANDLER_FAILED',
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

/**
 * The requests a responder is answering: `close()` waits for them. A handler's promise is tracked
 * from the moment the request was taken until its answer was sent.
 */
export function createInFlight(): { track<T>(work: Promise<T>): Promise<T>; settled(): Promise<void> } {
  const pending = new Set<Promise<void>>();
  const ignore = () => {};
  return {
    track(work) {
      const done: Promise<void> = work.then(ignore, ignore).finally(() => pending.delete(done));
      pending.add(done);
      return work;
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** The caller's side of an answer: the value, or the responder's error rethrown here. */
export function unpack(packed: RpcAnswer, service: string): unknown {
  if (packed.ok) return packed.value;
  const { code, message, details } = packed.error;
  const options: TicklineErrorOptions = { details: { ...details, service } };
  throw new RemoteError(code, message, options);
}

/** The role named in errors: the option, or the service's first segment. */
export function roleOf(service: string, options: RequestOptions | undefined): string {
  return options?.role ?? service.split('.')[0]!;
}

export function noResponder(service: string, role: string): EventLogError {
  return new EventLogError('EVLOG_RPC_NO_RESPONDER', `no ${role} process answered (${service})`, {
    details: { service, role },
  });
}

export function timedOut(service: string, role: string, timeoutMs: number): EventLogError {
  return new EventLogError(
    'EVLOG_RPC_TIMEOUT',
    `no ${role} process answered within ${timeoutMs} ms (${service})`,
    { details: { service, role, timeoutMs } },
  );
}

/** Keeps the answers of a gather: successes, or the first error when every responder failed. */
export function settleGather(answers: readonly RpcAnswer[], service: string): unknown[] {
  const values = answers.filter((a) => a.ok).map((a) => a.value);
  const failed = answers.find((a) => !a.ok);
  if (values.length === 0 && failed) unpack(failed, service);
  return values;
}
