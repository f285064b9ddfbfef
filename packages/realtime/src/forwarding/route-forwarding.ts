/**
 * @module Route forwarding: a gateway serves the routes of a domain whose state another role owns
 * (strategy's sandboxes, notify's queue) by passing each request over request/reply to a process
 * of that role, which runs it through its own `/api/v1` scope (`app.inject`) and sends the answer
 * back. The gateway registers the domain's own route plugin with every handler and hook replaced
 * by the forward, so its route table and OpenAPI document are the domain's — generated from the
 * module, never listed by hand — and authentication, validation and quotas run once, at the owner.
 */
import { randomUUID } from 'node:crypto';
import type { RequestReply, Responder } from '@tickline/eventlog';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RealtimeError } from '../errors.ts';

/** What forwarding needs of a domain module: its name and its routes plugin. */
export interface ForwardableModule {
  readonly name: string;
  // Any module's host: the inert one below stands in for each.
  readonly routes?: ((host: any) => FastifyPluginAsync | undefined) | undefined;
}

// The gateway's request id travels as the correlation id the owner logs and echoes.
const REQUEST_ID_HEADER = 'x-request-id';

/** The request/reply service a role answers a domain's forwarded requests on. */
export function forwardService(domain: string): string {
  return `http.${domain}`;
}

/** One NATS message (1 MiB by default) with headroom for the envelope. */
export const FORWARD_MAX_BODY_BYTES = 900 * 1024;
/**
 * Deadline of one forwarded request: a compile, a backtest start or a live enable runs the
 * sandbox, and a live enable on a process whose sandbox process is not started yet spawns one
 * first — on a two-core machine at load 10 that took over 15 s. The owner finishes what it started
 * whether or not the gateway still waits, so a deadline too short answers 503 for work that is done.
 */
export const FORWARD_TIMEOUT_MS = 30_000;

/**
 * Marks a request this process injected for a gateway: the gateway limited it already. The value
 * is this process's secret, so a client sending the header is limited as usual.
 */
const FORWARDED_HEADER = 'x-tickline-forwarded';
const PROCESS_MARK = randomUUID();

/** Whether `request` is one a gateway forwarded to this process. */
export function isForwardedHere(request: FastifyRequest): boolean {
  return request.headers[FORWARDED_HEADER] === PROCESS_MARK;
}

// Hop-by-hop and framing headers belong to one connection, not to the forwarded request.
const NOT_FORWARDED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

const Headers = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const ForwardedRequest = z.object({
  method: z.string().regex(/^[A-Z]+$/),
  url: z.string().startsWith('/api/v1/'),
  headers: Headers,
  body: z.string().optional(),
});
const ForwardedAnswer = z.object({ status: z.number().int(), headers: Headers, body: z.string() });
type ForwardedRequest = z.infer<typeof ForwardedRequest>;
type ForwardedAnswer = z.infer<typeof ForwardedAnswer>;

function passable(headers: Record<string, unknown>): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (!NOT_FORWARDED.has(name) && (typeof value === 'string' || Array.isArray(value)))
      kept[name] = value as string | string[];
  return kept;
}

function tooLarge(what: string, bytes: number): RealtimeError {
  return new RealtimeError('RT_FORWARD_TOO_LARGE', `${what} of ${bytes} bytes is over the forwarding cap`, {
    details: { bytes, limitBytes: FORWARD_MAX_BODY_BYTES },
  });
}

/**
 * A host that lets a domain's route plugin register without its domain running: every property
 * is another such value and every call returns one. Handlers and hooks never run on it (the
 * forward replaces them); only what the plugin reads while registering does.
 */
function inertHost(): unknown {
  const target = function inert() {};
  const proxy: unknown = new Proxy(target, {
    get: (_target, key) => {
      if (key === Symbol.toPrimitive) return () => '';
      // Not a promise, not iterable; Fastify reads these off a plugin's options.
      return typeof key === 'symbol' || PLUGIN_OPTION_KEYS.has(key) ? undefined : proxy;
    },
    apply: () => proxy,
  });
  return proxy;
}
const PLUGIN_OPTION_KEYS = new Set(['then', 'prefix', 'logLevel', 'logSerializers', 'toJSON']);

/** Options for {@link forwardingRoutes}. */
export interface ForwardingOptions {
  rpc: RequestReply;
  /** The role that owns the domain, named in the 503 when none answers. */
  owner: string;
  /** @default FORWARD_TIMEOUT_MS */
  timeoutMs?: number;
}

/** The domain's routes on a gateway that does not run it, each forwarded to `owner`. */
export function forwardingRoutes(
  module: ForwardableModule,
  options: ForwardingOptions,
): FastifyPluginAsync | undefined {
  const plugin = module.routes?.(inertHost());
  if (!plugin) return undefined;
  const service = forwardService(module.name);
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined && Buffer.byteLength(body) > FORWARD_MAX_BODY_BYTES)
      throw tooLarge('the request body', Buffer.byteLength(body));
    const sent: ForwardedRequest = {
      method: request.method,
      url: request.url,
      headers: { ...passable(request.headers), [REQUEST_ID_HEADER]: request.id },
      ...(body === undefined ? {} : { body }),
    };
    const answer = ForwardedAnswer.parse(
      await options.rpc.request(service, sent, {
        timeoutMs: options.timeoutMs ?? FORWARD_TIMEOUT_MS,
        role: options.owner,
      }),
    );
    void reply.code(answer.status).headers(passable(answer.headers));
    // The owner serialized it already; a string goes out as it is.
    return reply.send(answer.body);
  };
  return async function forwardedRoutes(app) {
    app.addHook('onRoute', (route) => {
      route.handler = forward;
      // The owner authenticates and validates; here the schema only describes the route.
      for (const hook of ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const)
        delete route[hook];
      route.validatorCompiler = () => (data: unknown) => ({ value: data });
    });
    await app.register(plugin);
  };
}

/**
 * Answers forwarded requests for `domains` on `app` (this process's HTTP app, whose `/api/v1`
 * scope serves them): the request runs through it as if it had arrived here.
 */
export async function serveForwardedRoutes(
  app: FastifyInstance,
  rpc: RequestReply,
  domains: readonly string[],
): Promise<Responder[]> {
  const handle = async (raw: unknown): Promise<ForwardedAnswer> => {
    const request = ForwardedRequest.parse(raw);
    const response = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: { ...request.headers, [FORWARDED_HEADER]: PROCESS_MARK },
      ...(request.body === undefined ? {} : { payload: request.body }),
    });
    const bytes = Buffer.byteLength(response.body);
    if (bytes > FORWARD_MAX_BODY_BYTES) throw tooLarge('the answer', bytes);
    return { status: response.statusCode, headers: passable(response.headers), body: response.body };
  };
  // One group per service: of the owner's processes exactly one runs each request (a forwarded
  // POST creates one strategy, not one per process). Closing a responder answers what it took.
  return Promise.all(
    domains.map((domain) => rpc.serve(forwardService(domain), handle, { group: forwardService(domain) })),
  );
}
