/**
 * @module The gateway's side of the schema's forwarded ports: for a domain another role owns
 * (strategy, notify), each port function becomes one request to a process of the owning role,
 * carrying the operation's credentials and request id (its correlation id there), under the
 * deadline REST's forwarding keeps. A loader's batch is one function call, so it stays one request.
 * No owner answering is EVLOG_RPC_NO_RESPONDER (or EVLOG_RPC_TIMEOUT), a 503 naming the role.
 */
import type { RequestReply } from '@tickline/eventlog';
import { FORWARD_TIMEOUT_MS } from '@tickline/realtime';
import type { FastifyRequest } from 'fastify';
import type { ForwardedPorts } from '../schema/services.ts';
import {
  AUTHENTICATING_FUNCTIONS,
  CREDENTIAL_HEADERS,
  FORWARDED_FUNCTIONS,
  PORT_DOMAINS,
  portService,
  type ForwardedDomain,
  type ForwardedPortName,
} from './forwarded-port-spec.ts';
import { fromWire, toWire } from './wire-values.ts';

/** One forwarded call, as it travels. */
export interface ForwardedCall {
  /** The function's path in its port (`repository.listRuns`). */
  fn: string;
  /** Its arguments (the request's place, where it takes one, is null). */
  args: unknown[];
  /** The operation's credential headers. */
  headers: Record<string, string>;
  /** The gateway's request id, the correlation id of whatever the call causes. */
  requestId: string;
}

/** Options of {@link createForwardedPorts}. */
export interface ForwardedPortsOptions {
  rpc: RequestReply;
  /** The role owning each domain this process forwards (the role table's `forward`). */
  owners: Readonly<Partial<Record<ForwardedDomain, string>>>;
  /** @default FORWARD_TIMEOUT_MS */
  timeoutMs?: number;
}

function credentialsOf(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of CREDENTIAL_HEADERS) {
    const value = request.headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') headers[name] = first;
  }
  return headers;
}

/** An object with a function at each of `paths` (nested by their dots) that calls `call`. */
function standIn(paths: readonly string[], call: (fn: string, args: unknown[]) => Promise<unknown>): unknown {
  const root: Record<string, unknown> = {};
  for (const path of paths) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = (...args: unknown[]) => call(path, args);
  }
  return root;
}

/**
 * The owners' ports, bound to one request (the same request, the same ports: an operation's
 * fields share its credentials). A domain no owner is named for is absent.
 */
export function createForwardedPorts(
  options: ForwardedPortsOptions,
): (request: FastifyRequest) => ForwardedPorts {
  const bound = new WeakMap<FastifyRequest, ForwardedPorts>();
  const timeoutMs = options.timeoutMs ?? FORWARD_TIMEOUT_MS;
  const portFor = (request: FastifyRequest, port: ForwardedPortName): unknown => {
    const owner = options.owners[PORT_DOMAINS[port]];
    if (owner === undefined) return undefined;
    const headers = credentialsOf(request);
    return standIn(FORWARDED_FUNCTIONS[port], async (fn, args) => {
      const call: ForwardedCall = {
        fn,
        // The request stays here: its credentials travel as headers.
        args: AUTHENTICATING_FUNCTIONS.has(`${port}:${fn}`) ? [null, ...args.slice(1)].map(toWire) : args.map(toWire),
        headers,
        requestId: request.id,
      };
      return fromWire(await options.rpc.request(portService(port), call, { timeoutMs, role: owner }));
    });
  };
  return (request) => {
    let ports = bound.get(request);
    if (ports === undefined)
      bound.set(
        request,
        (ports = {
          strategies: portFor(request, 'strategies') as ForwardedPorts['strategies'],
          trading: portFor(request, 'trading') as ForwardedPorts['trading'],
          notifications: portFor(request, 'notifications') as ForwardedPorts['notifications'],
        }),
      );
    return ports;
  };
}
