/**
 * @module The in-process RequestReply: the embedded default, where every role shares one
 * process, and the reference the NATS adapter's contract is checked against. Answers still pass
 * through a JSON round trip, so nothing works here that would not cross a wire.
 */
import { EventLogError } from '../port/errors.ts';
import {
  answer,
  checkServiceName,
  createInFlight,
  DEFAULT_RPC_TIMEOUT_MS,
  noResponder,
  roleOf,
  settleGather,
  timedOut,
  unpack,
  type RequestHandler,
  type RequestReply,
  type RpcAnswer,
} from './request-reply.ts';

/** One responder on the bus; members of a group take turns. */
interface Served {
  handler: RequestHandler;
  group: string | undefined;
  inFlight: ReturnType<typeof createInFlight>;
}

export function createInProcessRequestReply(): RequestReply {
  const served = new Map<string, Set<Served>>();
  // Turns per service and group: a request goes to the next member, as a NATS queue group spreads them.
  const turns = new Map<string, number>();
  let closed = false;
  const respondersOf = (service: string): Served[] => {
    if (closed) throw new EventLogError('EVLOG_CLOSED', 'the request/reply port is closed');
    checkServiceName(service);
    const all = [...(served.get(service) ?? [])];
    const groups = new Map<string, Served[]>();
    const alone: Served[] = [];
    for (const responder of all) {
      if (responder.group === undefined) alone.push(responder);
      else groups.set(responder.group, [...(groups.get(responder.group) ?? []), responder]);
    }
    for (const [group, members] of groups) {
      const key = `${service}\u0000${group}`;
      const turn = turns.get(key) ?? 0;
      turns.set(key, turn + 1);
      alone.push(members[turn % members.length]!);
    }
    return alone;
  };
  const run = (responder: Served, body: unknown) => responder.inFlight.track(answer(responder.handler, body));
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
    async serve(service, handler, options) {
      respondersOf(service);
      let set = served.get(service);
      if (!set) served.set(service, (set = new Set()));
      const responder: Served = { handler, group: options?.group, inFlight: createInFlight() };
      set.add(responder);
      return {
        async close() {
          set.delete(responder);
          if (set.size === 0 && served.get(service) === set) served.delete(service);
          await responder.inFlight.settled();
        },
      };
    },
    async request(service, body, options) {
      const [responder] = respondersOf(service);
      const role = roleOf(service, options);
      if (!responder) throw noResponder(service, role);
      const packed = await withTimeout(
        run(responder, body),
        service,
        role,
        options?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
      );
      return unpack(packed, service);
    },
    async gather(service, body, options) {
      const responders = respondersOf(service);
      const role = roleOf(service, options);
      if (responders.length === 0) throw noResponder(service, role);
      const timeoutMs = options?.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
      // Like a wire gather: what answered in time counts, a slow responder is left out, and an
      // answer `until` accepts ends the wait for the others.
      const until = options?.until;
      let accepted!: (answer: RpcAnswer) => void;
      const early = new Promise<RpcAnswer>((resolve) => (accepted = resolve));
      const all = Promise.all(
        responders.map((r) =>
          withTimeout(run(r, body), service, role, timeoutMs).then(
            (answer) => {
              if (until && answer.ok && until(answer.value)) accepted(answer);
              return answer;
            },
            () => undefined,
          ),
        ),
      );
      const packed = until ? await Promise.race([all, early.then((a) => [a])]) : await all;
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
