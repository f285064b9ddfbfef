/**
 * @module The in-process RequestReply: the embedded default, where every role shares one
 * process, and the reference the NATS adapter's contract is checked against. Answers still pass
 * through a JSON round trip, so nothing works here that would not cross a wire.
 */
import { EventLogError } from '../port/errors.ts';
import {
  answer,
  checkServiceName,
  DEFAULT_RPC_TIMEOUT_MS,
  noResponder,
  roleOf,
  settleGather,
  timedOut,
  unpack,
  type RequestHandler,
  type RequestReply,
} from './request-reply.ts';

export function createInProcessRequestReply(): RequestReply {
  const served = new Map<string, Set<RequestHandler>>();
  let closed = false;
  const handlersOf = (service: string) => {
    if (closed) throw new EventLogError('EVLOG_CLOSED', 'the request/reply port is closed');
    checkServiceName(service);
    return [...(served.get(service) ?? [])];
  };
  const withTimeout = async <T>(work: Promise<T>, service: string, role: string, timeoutMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut(service, role, timeoutMs)), timeoutMs);
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    async serve(service, handler) {
      handlersOf(service);
      let set = served.get(service);
      if (!set) served.set(service, (set = new Set()));
      set.add(handler);
      return {
        async close() {
          set.delete(handler);
          if (set.size === 0 && served.get(service) === set) served.delete(service);
        },
      };
    },
    async request(service, body, options) {
      const [handler] = handlersOf(service);
      const role = roleOf(service, options);
      if (!handler) throw noResponder(service, role);
      const packed = await withTimeout(
        answer(handler, body),
        service,
        role,
        options?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
      );
      return unpack(packed, service);
    },
    async gather(service, body, options) {
      const handlers = handlersOf(service);
      const role = roleOf(service, options);
      if (handlers.length === 0) throw noResponder(service, role);
      const timeoutMs = options?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
      // Like a wire gather: what answered in time counts, a slow responder is left out.
      const packed = await Promise.all(
        handlers.map((h) => withTimeout(answer(h, body), service, role, timeoutMs).catch(() => undefined)),
      );
      const arrived = packed.filter((p) => p !== undefined);
      if (arrived.length === 0) throw timedOut(service, role, timeoutMs);
      return settleGather(arrived, service);
    },
    async close() {
      closed = true;
      served.clear();
    },
  };
}
