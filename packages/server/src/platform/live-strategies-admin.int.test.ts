/**
 * Live strategies across strategy processes, over the request/reply port — in-process (the
 * embedded default) and NATS core request/reply (a real nats-server, one connection per process):
 * the operations list every process's runs with CPU time and failures, pause reaches the process
 * that holds the run, and no strategy process answering is a coded 503 naming the role. An
 * engaged kill switch and a cancel reach the process holding the portfolio's runs and orders.
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
import { everyStrategyProcess } from '@tickline/trading';
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

  it.skipIf(!available)(
    'kill switch and cancel - the process holding the runs and working orders applies them, whoever asks',
    async () => {
      const [ops, rpcA, rpcB] = await ports();
      const a = await startStrategyProcess('runner-a', rpcA);
      const b = await startStrategyProcess('runner-b', rpcB);
      const portfolioId = 'p-runner-b';
      const resting = (n: number) =>
        b.live.routeOptions.desk.place({
          portfolioId,
          clientOrderId: `rest-${n}`,
          symbol: 'BTC-USDT',
          side: 'buy',
          type: 'limit',
          quantity: 1,
          price: 1,
          timeInForce: 'gtc',
          origin: { kind: 'manual', userId: 'u-runner-b' },
        });
      try {
        const run = await b.enable('buyer');
        await b.candles(1);
        const every = everyStrategyProcess(ops);

        expect((await resting(1)).status).toBe('new');
        const cancelled = await every.cancel({ portfolioId, clientOrderId: 'rest-1', symbol: 'BTC-USDT' }, 'asked');
        expect(cancelled).toMatchObject({ clientOrderId: 'rest-1', status: 'cancelled' });
        expect(await every.cancel({ portfolioId, clientOrderId: 'nowhere', symbol: 'BTC-USDT' }, 'asked')).toBe(
          undefined,
        );

        expect((await resting(2)).status).toBe('new');
        const n = await every.killSwitch(portfolioId, 'user', { by: 'u-runner-b', at: Date.now(), reason: 'panic' });
        expect(n).toBe(1);
        expect(b.live.runner.status(run)).toMatchObject({ state: 'paused', pause: { code: 'kill_switch' } });
        // The paused run decides no further candle; process A held nothing of the portfolio.
        const decided = b.live.runner.status(run)!.candles;
        await b.candles(2);
        expect(b.live.runner.status(run)!.candles).toBe(decided);
        expect(a.live.runner.list()).toEqual([]);
      } finally {
        await a.responder.stop();
        await b.responder.stop();
        await Promise.all([...new Set([ops, rpcA, rpcB])].map((p) => p.close()));
      }
    },
    60_000,
  );
});
