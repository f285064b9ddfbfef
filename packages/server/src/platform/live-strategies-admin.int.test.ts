/**
 * Live strategies across strategy processes, over the request/reply port — in-process (the
 * embedded default) and NATS core request/reply (a real nats-server, one connection per process):
 * the operations list every process's runs with CPU time and failures, pause reaches the process
 * that holds the run, and no strategy process answering is a coded 503 naming the role.
 */
import {
  createInProcessRequestReply,
  createNatsRequestReply,
  isRpcNoResponderError,
  type RequestReply,
} from '@tickline/eventlog';
import { isPlatformNotFoundError, remoteLiveStrategies } from '@tickline/platform';
import { requireBinary, startNatsServer, type NatsServerHandle } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStrategyProcess } from './testing/live-processes.ts';

const nats = requireBinary('nats-server', 'nats-server');
let server: NatsServerHandle | undefined;

beforeAll(async () => {
  if (nats.available) server = await startNatsServer();
}, 60_000);
afterAll(async () => {
  await server?.cleanup();
});

/** The ports of three processes: an operations process and two strategy processes. */
type Ports = () => Promise<[RequestReply, RequestReply, RequestReply]>;

const adapters: Array<[string, boolean, Ports]> = [
  [
    'in-process',
    true,
    async () => {
      const shared = createInProcessRequestReply();
      return [shared, shared, shared];
    },
  ],
  [
    `nats${nats.reason ? ` (${nats.reason})` : ''}`,
    nats.available,
    async () => {
      const open = () => createNatsRequestReply({ servers: server!.url });
      return Promise.all([open(), open(), open()]);
    },
  ],
];

describe.each(adapters)('live strategies admin over %s request/reply', (_name, available, ports) => {
  it.skipIf(!available)(
    'live admin - every process listed with CPU time and errors; pause reaches the owner; none answering is 503',
    async () => {
      const [ops, rpcA, rpcB] = await ports();
      const a = await startStrategyProcess('runner-a', rpcA);
      const b = await startStrategyProcess('runner-b', rpcB);
      try {
        const buyer = await a.enable('buyer');
        const fragile = await b.enable('fragile');
        await a.candles(3);
        await b.candles(3);
        const remote = remoteLiveStrategies(ops);

        const processes = await remote.processes();
        expect(processes.map((p) => p.member)).toEqual(['runner-a', 'runner-b']);
        const [onA, onB] = processes;
        expect(onA!.runs).toMatchObject([{ id: buyer, state: 'running', candles: 3, signals: 3, errors: 0 }]);
        expect(onA!.runs[0]!.cpuMs).toBeGreaterThan(0);
        expect(onA!.pid).toBe(process.pid);
        expect(onA!.cpuMs).toBeGreaterThan(0);
        // The failure paused the run and is counted, with its error kept.
        expect(onB!.runs).toMatchObject([
          {
            id: fragile,
            state: 'paused',
            candles: 1,
            errors: 1,
            lastError: { reason: 'fragile broke on its second candle' },
          },
        ]);

        const paused = await remote.pause(buyer, 'maintenance');
        expect(paused).toMatchObject({
          member: 'runner-a',
          run: { id: buyer, state: 'paused', pause: { code: 'admin', reason: 'maintenance' }, errors: 0 },
        });
        expect(a.live.runner.status(buyer)?.state).toBe('paused');
        // A paused run decides nothing more.
        await a.candles(2);
        expect(a.live.runner.status(buyer)?.candles).toBe(3);

        const unknown = await remote.pause('p-x:nothing', 'maintenance').catch((e: unknown) => e);
        expect(isPlatformNotFoundError(unknown)).toBe(true);

        await a.responder.stop();
        await b.responder.stop();
        const none = await remote.processes().catch((e: unknown) => e);
        expect(isRpcNoResponderError(none)).toBe(true);
        expect(none).toMatchObject({ details: { role: 'strategy', service: 'strategy.live' } });
      } finally {
        await a.responder.stop();
        await b.responder.stop();
        await Promise.all([...new Set([ops, rpcA, rpcB])].map((p) => p.close()));
      }
    },
    60_000,
  );
});
