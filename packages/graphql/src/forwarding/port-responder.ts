/**
 * @module The owner's side of the schema's forwarded ports: a process that runs a domain answers
 * a gateway's port calls with its own ports — the services, repositories and actions its REST
 * routes call. Only the listed functions are callable; the functions that identify the caller
 * authenticate the forwarded credentials here and check the scope, as the owner's REST route
 * would; the work runs under the gateway's request id as its correlation id. One process of the
 * role takes each call (a queue group: a forwarded mutation acts once).
 */
import type { RequestReply, Responder } from '@tickline/eventlog';
import {
  ServiceStatus,
  TicklineError,
  withCorrelation,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import { z } from 'zod';
import type { ForwardedPorts } from '../schema/services.ts';
import {
  AUTHENTICATING_FUNCTIONS,
  FORWARDED_FUNCTIONS,
  portService,
  type ForwardedPortName,
} from './forwarded-port-spec.ts';
import { fromWire, toWire } from './wire-values.ts';

const ForwardedCallSchema = z.object({
  fn: z.string().min(1).max(64),
  args: z.array(z.unknown()).max(16),
  headers: z.record(z.string(), z.string()),
  requestId: z.string().min(1).max(200),
});

type Fn = (...args: unknown[]) => unknown;

/** The function at `path` of `port`, bound to its object. */
function functionAt(port: unknown, path: string): Fn {
  const parts = path.split('.');
  let holder: unknown = port;
  for (const part of parts.slice(0, -1)) holder = (holder as Record<string, unknown>)[part];
  const fn = (holder as Record<string, unknown>)[parts.at(-1)!];
  if (typeof fn !== 'function') throw new Error(`the port has no function ${path}`);
  return (fn as Fn).bind(holder);
}

/** Answers forwarded calls to `ports` (those present), each port on its own service. */
export async function servePorts(rpc: RequestReply, ports: ForwardedPorts): Promise<Responder[]> {
  const served = (Object.keys(FORWARDED_FUNCTIONS) as ForwardedPortName[]).filter(
    (name) => ports[name] !== undefined,
  );
  return Promise.all(
    served.map((name) => {
      const port = ports[name];
      const allowed = new Set(FORWARDED_FUNCTIONS[name]);
      const handle = async (raw: unknown): Promise<unknown> => {
        const call = ForwardedCallSchema.parse(raw);
        if (!allowed.has(call.fn))
          throw new TicklineError('GRAPHQL_FIELD_UNAVAILABLE', `${name} has no function ${call.fn}`, {
            details: { field: call.fn },
          });
        const args = call.args.map(fromWire);
        // A request of the credentials alone: what identity reads to authenticate.
        if (AUTHENTICATING_FUNCTIONS.has(`${name}:${call.fn}`))
          args[0] = { id: call.requestId, headers: call.headers };
        const fn = functionAt(port, call.fn);
        return toWire(await withCorrelation({ correlationId: call.requestId }, () => fn(...args)));
      };
      return rpc.serve(portService(name), handle, { group: portService(name) });
    }),
  );
}

/** {@link servePorts} as a service of the owner's process: answering from start, drained on stop. */
export function portResponderService(rpc: RequestReply, ports: ForwardedPorts): Service {
  let responders: readonly Responder[] = [];
  let status: ServiceStatus = ServiceStatus.Starting;
  const names = (Object.keys(FORWARDED_FUNCTIONS) as ForwardedPortName[]).filter((n) => ports[n]);
  return {
    name: 'graphql-ports',
    async start() {
      responders = await servePorts(rpc, ports);
      status = ServiceStatus.Up;
    },
    async stop() {
      status = ServiceStatus.Stopped;
      // Closing a responder answers the calls it took: a gateway's operation is not cut off.
      await Promise.all(responders.map((responder) => responder.close()));
    },
    health: (): ServiceHealth => ({ status, detail: `answers ${names.join(', ')} for gateways` }),
  };
}
